// The prompt form's state: what the person typed (the API validates with its zod schemas and answers 400 with
// the issues, shown next to their fields), and the API body built from it.
import type {
  PromptsControllerCreateData,
  PromptsControllerListResponse,
} from '../../../clients/typescript/types.gen';

export type Prompt = PromptsControllerListResponse['data'][number];
export type PromptBody = PromptsControllerCreateData['body'];

export interface PromptDraft {
  text: string;
  /** comma-separated, as typed */
  tags: string;
  engineIds: string[];
  /** as typed: the API refuses what is not a whole number in range */
  samplesPerSlot: string;
  cron: string;
  timezone: string;
  active: boolean;
}

/** The fields the form shows: a server issue on any other path shows at the form level. */
const FORM_KEYS = new Set(['text', 'tags', 'engineIds', 'samplesPerSlot', 'cron', 'timezone', 'active']);
export const isFormKey = (key: string): boolean => FORM_KEYS.has(key);

/** The browser's own timezone: where a new schedule most likely means its hours. */
export function browserTimezone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

export function emptyDraft(engineIds: string[]): PromptDraft {
  return {
    text: '',
    tags: '',
    engineIds,
    samplesPerSlot: '1',
    cron: '0 9 * * 1-5',
    timezone: browserTimezone(),
    active: true,
  };
}

export function draftOf(p: Prompt): PromptDraft {
  return {
    text: p.text,
    tags: p.tags.join(', '),
    engineIds: [...p.engineIds],
    samplesPerSlot: String(p.samplesPerSlot),
    cron: p.cron,
    timezone: p.timezone,
    active: p.active,
  };
}

export function splitTags(tags: string): string[] {
  return tags
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
}

/** Numbers as typed: "2" is 2, anything else goes as typed for the API to refuse by name. */
function numberOf(v: string): number {
  const trimmed = v.trim();
  return trimmed === '' ? Number.NaN : Number(trimmed);
}

export function bodyOf(d: PromptDraft): PromptBody {
  const samples = numberOf(d.samplesPerSlot);
  return {
    text: d.text,
    tags: splitTags(d.tags),
    engineIds: d.engineIds,
    // NaN is not JSON: an unreadable number goes as the text typed, which the API names as the wrong field.
    samplesPerSlot: (Number.isFinite(samples) ? samples : d.samplesPerSlot) as number,
    cron: d.cron,
    timezone: d.timezone,
    active: d.active,
  };
}

/** An edit's body: `active` is not part of it (pause and resume apply at once, apart from the form). */
export function editBodyOf(d: PromptDraft): Omit<PromptBody, 'active'> {
  const { active: _active, ...rest } = bodyOf(d);
  return rest;
}
