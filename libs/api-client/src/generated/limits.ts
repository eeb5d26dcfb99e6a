// Generated from apps/api/openapi.json by tools/scripts/generate-api-client.mjs. Do not edit.
export const TITLE_MIN = 1;
export const TITLE_MAX = 200;
export const DESCRIPTION_MAX = 1000;
export const MESSAGE_MAX = 2000;
