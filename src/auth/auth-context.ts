export type ApiKeyRole = 'admin' | 'read';

/** Who is calling: derived from the API key alone, never from the request body or path. */
export interface AuthContext {
  workspaceId: string;
  apiKeyId: string;
  role: ApiKeyRole;
}

/** The web session a request was authenticated by (cookie), next to its key's AuthContext. */
export interface WebSessionContext {
  id: string;
  csrfToken: string;
  expiresAt: Date;
  keyName: string;
  keyPrefix: string;
}

export interface AuthenticatedRequest {
  auth?: AuthContext;
  /** Set only for cookie-authenticated requests (not for `Authorization: Bearer`). */
  webSession?: WebSessionContext;
}
