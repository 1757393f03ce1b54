import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { type Redis } from 'ioredis';
import { type AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { createRedis } from '../infra/redis/create-redis';
import { decodeMessage, type RunEvent } from './run-event-keys';

export type RunEventListener = (event: RunEvent) => void;

/**
 * The API process's one Redis subscriber connection (not one per request): SSE streams register listeners
 * per channel; the channel is subscribed while it has at least one listener. ioredis re-subscribes by itself
 * after a reconnect. Open streams are closed before the HTTP server stops, so shutdown never waits on them.
 */
@Injectable()
export class RunEventHub implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(RunEventHub.name);
  private subscriber: Redis | null = null;
  private readonly listeners = new Map<string, Set<RunEventListener>>();
  private readonly openStreams = new Set<() => void>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  private connection(): Redis {
    if (this.subscriber) return this.subscriber;
    const sub = createRedis(this.config.REDIS_URL, 'run-events-sub');
    sub.on('error', (err: unknown) => this.logger.warn({ err }, 'run events subscriber error'));
    sub.on('message', (channel: string, message: string) => {
      const set = this.listeners.get(channel);
      if (!set) return;
      const event = decodeMessage(message);
      if (!event) return;
      for (const listener of set) {
        try {
          listener(event);
        } catch (err) {
          this.logger.warn({ err, channel }, 'run event listener failed');
        }
      }
    });
    this.subscriber = sub;
    return sub;
  }

  /** Resolves once the channel is subscribed, so nothing published afterwards is missed. */
  async subscribe(channel: string, listener: RunEventListener): Promise<() => void> {
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
    }
    set.add(listener);
    const unsubscribe = () => {
      const current = this.listeners.get(channel);
      if (!current?.delete(listener) || current.size > 0) return;
      this.listeners.delete(channel);
      this.subscriber?.unsubscribe(channel).catch(() => undefined);
    };
    try {
      // Every caller awaits the SUBSCRIBE reply (a repeated SUBSCRIBE is harmless), so a second listener
      // never assumes the channel is live before the first one's subscription has been confirmed.
      await this.connection().subscribe(channel);
    } catch (error) {
      unsubscribe();
      throw error;
    }
    return unsubscribe;
  }

  /** Registers an open stream's close function; returns the function that unregisters it. */
  track(close: () => void): () => void {
    this.openStreams.add(close);
    return () => this.openStreams.delete(close);
  }

  beforeApplicationShutdown(): void {
    for (const close of [...this.openStreams]) close();
    this.openStreams.clear();
  }

  async onApplicationShutdown(): Promise<void> {
    const sub = this.subscriber;
    this.subscriber = null;
    if (sub) await sub.quit().catch(() => sub.disconnect());
  }
}
