// A prompt's settings as text (what a read key sees), with the schedule in words from the server.
import type { Engine } from '../runs/api-types';
import type { Prompt } from './prompt-draft';
import { useSchedulePreview } from './schedule-preview';

export function PromptDetails({ prompt, engines }: { prompt: Prompt; engines: Engine[] }) {
  const preview = useSchedulePreview(prompt.cron, prompt.timezone);
  const name = (id: string) => engines.find((e) => e.id === id)?.name ?? 'Deleted engine';
  return (
    <dl className="prompt-details" data-testid="prompt-details">
      <dt>Text</dt>
      <dd className="prompt-text">{prompt.text}</dd>
      <dt>Tags</dt>
      <dd>{prompt.tags.length ? prompt.tags.join(', ') : '–'}</dd>
      <dt>Engines</dt>
      <dd>{prompt.engineIds.map(name).join(', ')}</dd>
      <dt>Samples per slot</dt>
      <dd>{prompt.samplesPerSlot}</dd>
      <dt>Schedule</dt>
      <dd>
        {preview.data ? (
          <span data-testid="schedule-words">{preview.data.words}</span>
        ) : (
          `${prompt.cron} (${prompt.timezone})`
        )}{' '}
        <code className="muted">{prompt.cron}</code>
      </dd>
    </dl>
  );
}
