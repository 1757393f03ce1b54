import { Injectable, type PipeTransform } from '@nestjs/common';
import { z } from 'zod';
import { ApiError } from './api-error';

const uuid = z.uuid();

/** A malformed id cannot name an existing resource: answer 404, exactly as for another tenant's id. */
@Injectable()
export class ParseIdPipe implements PipeTransform<string, string> {
  constructor(private readonly what: string) {}

  transform(value: string): string {
    if (!uuid.safeParse(value).success) throw ApiError.notFound(this.what);
    return value;
  }
}
