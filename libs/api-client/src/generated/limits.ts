// Generated from apps/api/openapi.json by libs/api-client/scripts/generate.ts. Do not edit.
export const TITLE_MIN = 1;
export const TITLE_MAX = 200;
export const DESCRIPTION_MAX = 1000;
export const MESSAGE_MAX = 2000;
