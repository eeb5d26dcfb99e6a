// Form checks that mirror the API's limits (generated from its OpenAPI document), so most
// mistakes are caught before a round trip; the API's own 422 messages are still shown.
import { DESCRIPTION_MAX, TITLE_MAX } from '@todo/api-client';

export interface TaskDraft {
  title: string;
  description: string;
}

export type DraftErrors = Partial<Record<keyof TaskDraft, string>>;

export function validateDraft(draft: TaskDraft): DraftErrors {
  const errors: DraftErrors = {};
  const title = draft.title.trim();
  if (!title) errors.title = 'Give the task a title.';
  else if ([...title].length > TITLE_MAX) errors.title = `Keep the title to ${TITLE_MAX} characters (now ${[...title].length}).`;
  const description = draft.description.trim();
  if ([...description].length > DESCRIPTION_MAX) {
    errors.description = `Keep the description to ${DESCRIPTION_MAX} characters (now ${[...description].length}).`;
  }
  return errors;
}

/** The body the API expects for a valid draft. */
export function draftToBody(draft: TaskDraft): { title: string; description: string | null } {
  const description = draft.description.trim();
  return { title: draft.title.trim(), description: description || null };
}
