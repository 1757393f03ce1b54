import { Injectable } from '@nestjs/common';

/** Wall clock, injectable so schedules can be tested at chosen instants. */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
