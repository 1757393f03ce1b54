// The project settings form's state: the text as typed. The body sends a number where the text is one and
// the text itself otherwise, so the API's zod schema judges it (and answers 400 next to the field).
import type { ProjectsControllerUpdateData } from '../../../clients/typescript/types.gen';
import type { Project } from './queries';

export type SettingsBody = ProjectsControllerUpdateData['body'];

export interface SettingsDraft {
  name: string;
  foldTokens: string;
  halfLifeMs: string;
}

export const SETTINGS_FIELDS = ['name', 'foldTokens', 'halfLifeMs'] as const;

export function draftOfProject(p: Project): SettingsDraft {
  return { name: p.name, foldTokens: String(p.foldTokens), halfLifeMs: String(p.halfLifeMs) };
}

const numberOrText = (text: string): number => {
  const t = text.trim();
  return (/^-?\d+(\.\d+)?$/.test(t) ? Number(t) : text) as number;
};

/** Only what changed (a rename alone does not resend the settings). */
export function settingsBody(draft: SettingsDraft, saved: SettingsDraft): SettingsBody {
  const body: SettingsBody = {};
  if (draft.name !== saved.name) body.name = draft.name;
  if (draft.foldTokens !== saved.foldTokens) body.foldTokens = numberOrText(draft.foldTokens);
  if (draft.halfLifeMs !== saved.halfLifeMs) body.halfLifeMs = numberOrText(draft.halfLifeMs);
  return body;
}
