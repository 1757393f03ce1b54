import { Inject, Injectable, Logger } from '@nestjs/common';
import { type Request, type Response } from 'express';
import { type Redis } from 'ioredis';
import { type AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { scrubSecrets } from '../infra/crypto/secret-scrubber';
import { ApiError } from '../infra/http/api-error';
import { REDIS } from '../infra/redis/redis.module';
import { ProjectService } from '../projects/project.service';
import { RunEventHub } from './run-event-hub';
import {
  compareStreamIds,
  expandEvent,
  isStreamId,
  isTerminal,
  projectChannel,
  runChannel,
  runLogKey,
  type RunEvent,
  type RunEventType,
} from './run-event-keys';
import { runScoreView } from './run-score';
import { RunStateRepository } from './run-state.repository';
import { SseStream } from './sse-stream';

const TERMINAL = new Set(['succeeded', 'failed', 'skipped']);
/** After `status: succeeded`, how long to wait for `scores` before closing anyway. */
const SCORES_GRACE_MS = 2000;
/** A run terminal in the database this long without a terminal event seen: the event was lost; close. */
const LOST_TERMINAL_MS = 5000;

/**
 * The SSE streams of live run events: a run's stream replays its event log (from Last-Event-ID) then follows
 * the live channel, closing after the terminal event; a project's feed follows its channel only.
 */
@Injectable()
export class RunEventStreams {
  private readonly logger = new Logger(RunEventStreams.name);

  constructor(
    private readonly runs: RunStateRepository,
    private readonly projects: ProjectService,
    private readonly hub: RunEventHub,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async runStream(
    ws: string,
    runId: string,
    lastEventId: string | undefined,
    req: Request,
    res: Response,
  ): Promise<void> {
    const run = await this.runs.state(ws, runId);
    if (!run) throw ApiError.notFound('Run');
    const prefix = this.config.QUEUE_PREFIX;

    let lastSent: string | null = isStreamId(lastEventId) ? lastEventId : null;
    let replaying = true;
    const pending: RunEvent[] = [];
    const stream = new SseStream(req, res);
    let graceTimer: NodeJS.Timeout | undefined;
    stream.onClose(() => clearTimeout(graceTimer));

    const deliver = (event: RunEvent): void => {
      if (stream.closed) return;
      if (lastSent !== null && compareStreamIds(event.id, lastSent) <= 0) return;
      lastSent = event.id;
      stream.send(event);
      if (isTerminal(event)) stream.close();
      else if (event.type === 'status' && statusOf(event) === 'succeeded') {
        graceTimer ??= setTimeout(() => stream.close(), SCORES_GRACE_MS);
      }
    };
    const unsubscribe = await this.subscribeOr503(runChannel(prefix, runId), (entry) => {
      for (const event of expandEvent(entry)) {
        if (replaying) pending.push(event);
        else deliver(event);
      }
    });
    stream.onClose(unsubscribe);
    stream.onClose(this.hub.track(() => stream.close()));
    stream.open(() => void this.closeIfTerminalLost(ws, runId, stream));

    try {
      const log = await this.readLog(runLogKey(prefix, runId));
      const alreadyDelivered = lastSent;
      // The client already had the terminal event: nothing more will come.
      if (
        alreadyDelivered !== null &&
        log.some((e) => isTerminal(e) && compareStreamIds(e.id, alreadyDelivered) <= 0)
      ) {
        stream.close();
        return;
      }
      for (const event of log) deliver(event);
      replaying = false;
      for (const event of pending.splice(0)) deliver(event);
      if (stream.closed) return;
      // Terminal before we subscribed, and the log holds no terminal event (expired, or never written).
      if (TERMINAL.has(run.status)) await this.sendFinal(ws, runId, stream);
    } catch (err) {
      this.logger.warn({ err, runId }, 'run event replay failed');
      stream.close();
    }
  }

  async projectStream(ws: string, projectId: string, req: Request, res: Response): Promise<void> {
    await this.projects.require(ws, projectId);
    const stream = new SseStream(req, res);
    const unsubscribe = await this.subscribeOr503(projectChannel(this.config.QUEUE_PREFIX, projectId), (e) =>
      stream.send(e),
    );
    stream.onClose(unsubscribe);
    stream.onClose(this.hub.track(() => stream.close()));
    stream.open();
  }

  private async subscribeOr503(channel: string, listener: (e: RunEvent) => void): Promise<() => void> {
    try {
      return await this.hub.subscribe(channel, listener);
    } catch (err) {
      this.logger.warn({ err, channel }, 'run events subscription failed');
      throw new ApiError(503, 'service_unavailable', 'Live events are unavailable; retry shortly');
    }
  }

  private async readLog(key: string): Promise<RunEvent[]> {
    const entries = await this.redis.xrange(key, '-', '+');
    const events: RunEvent[] = [];
    for (const [id, fields] of entries) {
      const type = field(fields, 't');
      const data = field(fields, 'd');
      if (type && data) events.push(...expandEvent({ id, type: type as RunEventType, data }));
    }
    return events;
  }

  /** The final status (and scores after success) from the database, without ids, then close. */
  private async sendFinal(ws: string, runId: string, stream: SseStream): Promise<void> {
    const run = await this.runs.finalState(ws, runId);
    if (!run) throw ApiError.notFound('Run');
    if (stream.closed) return;
    // Rows written before messages were scrubbed on the way in may still quote a key.
    const message = run.failureMessage === null ? null : scrubSecrets(run.failureMessage);
    const reason =
      run.status === 'skipped'
        ? { reason: run.skipReason }
        : run.status === 'failed'
          ? { reason: run.failureReason, message }
          : {};
    stream.send({
      type: 'status',
      data: JSON.stringify({ status: run.status, attempt: run.attempts, ...reason }),
    });
    if (run.status === 'succeeded') {
      stream.send({ type: 'scores', data: JSON.stringify({ scores: run.scores.map(runScoreView) }) });
    }
    stream.close();
  }

  /** Keep-alive tick: a run long terminal whose terminal event never arrived (dropped) is closed. */
  private async closeIfTerminalLost(ws: string, runId: string, stream: SseStream): Promise<void> {
    try {
      const run = await this.runs.state(ws, runId);
      if (stream.closed) return;
      if (!run) return stream.close();
      if (TERMINAL.has(run.status) && (run.finishedAt?.getTime() ?? 0) < Date.now() - LOST_TERMINAL_MS) {
        await this.sendFinal(ws, runId, stream);
      }
    } catch (err) {
      this.logger.debug({ err, runId }, 'run state check failed');
    }
  }
}

function field(fields: string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}

function statusOf(event: RunEvent): string | undefined {
  return (JSON.parse(event.data) as { status?: string }).status;
}
