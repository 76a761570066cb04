import { defineConfig } from 'vitest/config';

// Two projects: `fast` (unit and in-process API tests) for everyday `npm run check`,
// `slow` (the CLI and the server started as a user starts them) joins them in `npm test`.
export default defineConfig({
  test: {
    reporters: ['default', './vitest.summary.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    projects: [
      {
        test: {
          name: 'fast',
          include: ['src/**/*.test.ts'],
          exclude: ['**/*.slow.test.ts', '**/node_modules/**'],
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          name: 'slow',
          include: ['src/**/*.slow.test.ts'],
          testTimeout: 240_000,
          hookTimeout: 240_000,
        },
      },
    ],
  },
});
