// A project name is unique in its workspace: a create or rename onto a taken name answers 409 `conflict` whose
// details name the field (`body.name`, the shape of a validation issue, so the web form shows it next to the
// name) and changes nothing; another workspace may use the same name.
import { createWorkspace, startTestApp, type TestApp, type TestWorkspace } from '../support/test-app';

describe('project names', () => {
  let t: TestApp;
  let ws: TestWorkspace;

  beforeAll(async () => {
    t = await startTestApp();
    ws = await createWorkspace(t);
  });
  afterAll(() => t.close());

  const names = async (w: TestWorkspace): Promise<string[]> =>
    ((await t.http().get('/v1/projects').set(w.auth('read')).expect(200)).body.data as { name: string }[])
      .map((p) => p.name)
      .sort();

  it('refuses a second project of the same name with the field in the details', async () => {
    await t.http().post('/v1/projects').set(ws.auth()).send({ name: 'Alpha' }).expect(201);
    const dup = await t.http().post('/v1/projects').set(ws.auth()).send({ name: '  Alpha ' }).expect(409);
    const message = 'The workspace already has a project named "Alpha"';
    expect(dup.body).toEqual({
      error: { code: 'conflict', message, details: [{ path: 'body.name', message }] },
    });
    expect(await names(ws)).toEqual(['Alpha']);

    const other = await createWorkspace(t);
    await t.http().post('/v1/projects').set(other.auth()).send({ name: 'Alpha' }).expect(201);
    expect(await names(other)).toEqual(['Alpha']);
  });

  it('refuses a rename onto a taken name and keeps every field of the project', async () => {
    const beta = await t
      .http()
      .post('/v1/projects')
      .set(ws.auth())
      .send({ name: 'Beta', foldTokens: 40 })
      .expect(201);
    const res = await t
      .http()
      .patch(`/v1/projects/${beta.body.id}`)
      .set(ws.auth())
      .send({ name: 'Alpha', foldTokens: 99 })
      .expect(409);
    expect(res.body.error.details).toEqual([
      { path: 'body.name', message: 'The workspace already has a project named "Alpha"' },
    ]);
    const after = await t.http().get(`/v1/projects/${beta.body.id}`).set(ws.auth()).expect(200);
    expect(after.body).toMatchObject({ name: 'Beta', foldTokens: 40 });

    // Its own name is not taken; a free name is.
    await t.http().patch(`/v1/projects/${beta.body.id}`).set(ws.auth()).send({ name: 'Beta' }).expect(200);
    await t.http().patch(`/v1/projects/${beta.body.id}`).set(ws.auth()).send({ name: 'Gamma' }).expect(200);
    expect(await names(ws)).toEqual(['Alpha', 'Gamma']);
  });
});
