import { HttpException } from '@nestjs/common';

export interface ApiErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** An error with a stable machine-readable code; the exception filter renders it as ApiErrorBody. */
export class ApiError extends HttpException {
  constructor(
    status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super({ error: { code, message, ...(details === undefined ? {} : { details }) } }, status);
  }

  static notFound(what: string): ApiError {
    return new ApiError(404, 'not_found', `${what} not found`);
  }

  static conflict(message: string, details?: unknown): ApiError {
    return new ApiError(409, 'conflict', message, details);
  }

  static validation(message: string, details?: unknown): ApiError {
    return new ApiError(400, 'validation_failed', message, details);
  }

  static unauthorized(): ApiError {
    return new ApiError(401, 'unauthorized', 'A valid API key is required: Authorization: Bearer <key>');
  }

  static forbidden(message = 'This API key may not perform this action'): ApiError {
    return new ApiError(403, 'forbidden', message);
  }
}
