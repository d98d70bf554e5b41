// Removes dist/ before a build: the plugin server loads every entry of dist/plugins, so a file
// left behind by an earlier build (a renamed plugin, a stray folder) would be loaded too.
import { rmSync } from 'node:fs';

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
