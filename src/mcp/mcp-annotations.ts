import { type ToolAnnotations } from '@modelcontextprotocol/server';

/** Reads: no side effect, same answer for the same data. None reaches outside streamrank. */
export const READ_ONLY: ToolAnnotations = {
  readOnlyHint: true,
  idempotentHint: true,
  destructiveHint: false,
  openWorldHint: false,
};

/** Writes that create something new on each call. */
export const CREATES: ToolAnnotations = {
  readOnlyHint: false,
  idempotentHint: false,
  destructiveHint: false,
  openWorldHint: false,
};
