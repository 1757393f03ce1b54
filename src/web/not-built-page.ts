/** What `/` shows when web/dist is missing: a 503 page that says how to build the app. */
export function notBuiltPage(): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>streamrank: web app not built</title></head>
<body>
<h1>The web app is not built</h1>
<p>This server found no built web app to serve. Build it with <code>npm run web:build</code>
(it writes <code>web/dist</code>), or point <code>WEB_DIST_DIR</code> at a build, then reload.</p>
<p>The API is available meanwhile: <a href="/docs">/docs</a>.</p>
</body>
</html>
`;
}
