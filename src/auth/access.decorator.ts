import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { type AuthContext, type AuthenticatedRequest } from './auth-context';

export const ACCESS_KEY = 'streamrank:access';
/** `public`: no key; `read`: any valid key; default (no decorator): admin keys only. Secure by default. */
export type Access = 'public' | 'read';

export const Public = () => SetMetadata(ACCESS_KEY, 'public' satisfies Access);
export const ReadAccess = () => SetMetadata(ACCESS_KEY, 'read' satisfies Access);

/** The caller's workspace id, taken from the authenticated key. */
export const WorkspaceId = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  const auth = ctx.switchToHttp().getRequest<AuthenticatedRequest>().auth;
  if (!auth) throw new Error('WorkspaceId used on a route without authentication');
  return auth.workspaceId;
});

export const Auth = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthContext => {
  const auth = ctx.switchToHttp().getRequest<AuthenticatedRequest>().auth;
  if (!auth) throw new Error('Auth used on a route without authentication');
  return auth;
});
