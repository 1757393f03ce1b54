import { settingsBody, type SettingsDraft } from './settings-draft';

const saved: SettingsDraft = { name: 'CRM tools', foldTokens: '150', halfLifeMs: '10000' };

describe('settingsBody', () => {
  it('sends only what changed, numbers as numbers', () => {
    expect(settingsBody(saved, saved)).toEqual({});
    expect(settingsBody({ ...saved, name: 'CRM' }, saved)).toEqual({ name: 'CRM' });
    expect(settingsBody({ ...saved, foldTokens: ' 40 ', halfLifeMs: '2500' }, saved)).toEqual({
      foldTokens: 40,
      halfLifeMs: 2500,
    });
  });

  it('sends what is not a number as typed, for the API to refuse next to its field', () => {
    expect(settingsBody({ ...saved, foldTokens: 'forty' }, saved)).toEqual({ foldTokens: 'forty' });
    expect(settingsBody({ ...saved, foldTokens: '' }, saved)).toEqual({ foldTokens: '' });
    expect(settingsBody({ ...saved, halfLifeMs: '1.5' }, saved)).toEqual({ halfLifeMs: 1.5 });
  });
});
