import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';
import { DomainError } from './errors.ts';

describe('configuration', () => {
  it('has defaults that run the embedded store on port 8080', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(8080);
    expect(config.RELAIS_DATA_DIR).toBe('./.relais');
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.RELAIS_DEMO).toBe('auto');
  });

  it('lists every wrong value at once', () => {
    try {
      loadConfig({
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        LOG_LEVEL: 'loud',
        RELAIS_COOKIE_SECURE: 'maybe',
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      const paths = (error as DomainError).issues.map((i) => i.path).sort();
      expect(paths).toEqual(['DATABASE_URL', 'LOG_LEVEL', 'PORT', 'RELAIS_COOKIE_SECURE']);
      expect((error as DomainError).message).toContain('DATABASE_URL: must be a postgres:// URL');
    }
  });

  it('runs the demo traffic with the demo world only, unless told', () => {
    expect(loadConfig({}).RELAIS_DEMO_TRAFFIC).toBe('on');
    expect(loadConfig({ RELAIS_DEMO: 'off' }).RELAIS_DEMO_TRAFFIC).toBe('off');
    expect(loadConfig({ RELAIS_DEMO_TRAFFIC: 'off' }).RELAIS_DEMO_TRAFFIC).toBe('off');
    expect(loadConfig({ RELAIS_DEMO: 'off', RELAIS_DEMO_TRAFFIC: 'on' }).RELAIS_DEMO_TRAFFIC).toBe('on');
    expect(loadConfig({}).RELAIS_DEMO_TRAFFIC_PER_MINUTE).toBe(12);
    expect(() => loadConfig({ RELAIS_DEMO_TRAFFIC_PER_MINUTE: '0' })).toThrow(
      /RELAIS_DEMO_TRAFFIC_PER_MINUTE/,
    );
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' }).PORT).toBe(8080);
  });
});
