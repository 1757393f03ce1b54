// The brand editor's "why (not) this mention": POST /v1/projects/:projectId/brands/explain over real HTTP,
// with the project's brands or draft ones, through the pipeline's own matcher.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PrismaService } from '../../src/infra/prisma/prisma.service';
import { createWorkspace, startTestApp, type TestApp, type TestWorkspace } from '../support/test-app';

describe('brand explain API', () => {
  let t: TestApp;
  let ws: TestWorkspace;
  let projectId: string;
  let notionId: string;

  beforeAll(async () => {
    t = await startTestApp();
    ws = await createWorkspace(t);
    const http = t.http;
    projectId = (await http().post('/v1/projects').set(ws.auth()).send({ name: 'explain' }).expect(201)).body
      .id;
    notionId = (
      await http()
        .post(`/v1/projects/${projectId}/brands`)
        .set(ws.auth())
        .send({ name: 'Notion', kind: 'own', exclusions: ['notion pages'] })
        .expect(201)
    ).body.id;
    await http()
      .post(`/v1/projects/${projectId}/brands`)
      .set(ws.auth())
      .send({ name: 'X', kind: 'competitor' })
      .expect(201);
  });
  afterAll(() => t.close());

  const explain = (body: object, key: 'admin' | 'read' = 'read', project = projectId) =>
    t.http().post(`/v1/projects/${project}/brands/explain`).set(ws.auth(key)).send(body);

  it("explains a text with the project's brands, for a read key", async () => {
    const text = '## Picks\n\n1. **Notion** wins, a notion. Notion Pages too. An X-ray.';
    const res = await explain({ text }).expect(200);
    expect(res.body.mentions).toEqual([
      {
        brandId: notionId,
        brandName: 'Notion',
        alias: 'Notion',
        charStart: 15,
        charEnd: 21,
        text: 'Notion',
        tokenIndex: expect.any(Number),
        relPosition: expect.any(Number),
        sentenceIndex: expect.any(Number),
        listRank: 1,
        inHeading: false,
        inBold: true,
        snippet: expect.stringContaining('Notion'),
      },
    ]);
    expect(res.body.answerTokens).toBeGreaterThan(res.body.mentions[0].tokenIndex);
    expect(res.body.excluded).toEqual([
      expect.objectContaining({ brandId: notionId, text: 'Notion', exclusion: 'notion pages' }),
    ]);
    expect(res.body.nearMisses.map((n: { text: string; rule: string }) => [n.text, n.rule])).toEqual([
      ['notion', 'lowercase'],
      ['X', 'hyphen-compound'],
    ]);
  });

  it('explains draft brands in the create-brand shape without storing them', async () => {
    const res = await explain({
      text: 'Cafe Rouge, Yahoo Finance and Skoda.',
      brands: [
        { name: 'Café Rouge', kind: 'own' },
        { name: 'Yahoo!', kind: 'competitor' },
        { name: 'Škoda', kind: 'competitor', aliases: [{ text: 'Škoda', foldDiacritics: false }] },
      ],
    }).expect(200);
    expect(
      res.body.mentions.map((m: { brandId: null; brandName: string; text: string }) => [
        m.brandId,
        m.brandName,
        m.text,
      ]),
    ).toEqual([
      [null, 'Café Rouge', 'Cafe Rouge'],
      [null, 'Yahoo!', 'Yahoo'],
    ]);
    expect(res.body.nearMisses).toEqual([
      expect.objectContaining({ brandName: 'Škoda', text: 'Skoda', rule: 'diacritics', by: null }),
    ]);
    const listed = await t.http().get(`/v1/projects/${projectId}/brands`).set(ws.auth('read')).expect(200);
    expect(listed.body.data).toHaveLength(2);
  });

  it("answers 404 for another workspace's project", async () => {
    const other = await createWorkspace(t);
    const res = await t
      .http()
      .post(`/v1/projects/${projectId}/brands/explain`)
      .set(other.auth('read'))
      .send({ text: 'Notion' })
      .expect(404);
    expect(res.body.error.code).toBe('not_found');
  });

  it.each([
    ['no text', {}, 'body.text'],
    ['empty text', { text: '' }, 'body.text'],
    ['text over the cap', { text: 'a'.repeat(20_001) }, 'body.text'],
    ['unknown field', { text: 'a', extra: 1 }, 'body'],
    ['draft brand without a kind', { text: 'a', brands: [{ name: 'Acme' }] }, 'body.brands.0.kind'],
    ['no draft brands', { text: 'a', brands: [] }, 'body.brands'],
  ])('answers 400 for %s', async (_name, body, path) => {
    const res = await explain(body).expect(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
  });

  it('gives aliases stored with the old defaults the new ones after the upgrade migration', async () => {
    const prisma = t.app.get(PrismaService);
    const brand = await prisma.brand.create({
      data: {
        workspaceId: ws.workspaceId,
        projectId,
        name: 'Café Rouge',
        kind: 'competitor',
        aliases: [
          { text: 'Café Rouge', caseSensitive: false, foldDiacritics: false },
          { text: 'CR', caseSensitive: true, foldDiacritics: false },
        ],
        exclusions: [],
        domains: [],
      },
    });
    const sql = readFileSync(
      join(__dirname, '../../prisma/migrations/20261206100000_detection_defaults/migration.sql'),
      'utf8',
    );
    const update = sql.slice(sql.indexOf('UPDATE "brands"'));
    await prisma.$executeRawUnsafe(update.replace('WHERE', `WHERE b.id = '${brand.id}'::uuid AND`));
    const stored = await t.http().get(`/v1/brands/${brand.id}`).set(ws.auth('read')).expect(200);
    expect(stored.body.aliases).toEqual([{ text: 'Café Rouge' }, { text: 'CR', caseSensitive: true }]);
    const res = await explain({ text: 'Cafe Rouge' }).expect(200);
    expect(res.body.mentions.map((m: { brandId: string }) => m.brandId)).toEqual([brand.id]);
  });
});
