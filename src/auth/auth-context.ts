export type ApiKeyRole = 'admin' | 'read';

/** Who is calling: derived from the API key alone, never from the request body or path. */
export interface AuthContext {
  workspaceId: string;
  apiKeyId: string;
  role: ApiKeyRole;
}

export interface AuthenticatedRequest {
  auth?: AuthContext;
}
