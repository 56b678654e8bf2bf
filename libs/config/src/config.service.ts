import path from 'node:path';
import { Injectable } from '@nestjs/common';
import { HooklineConfig, parseConfig } from './config.schema';

/** Where development keys are kept (git-ignored). Relative to the working directory. */
export const DEV_KEYS_FILE = path.join('.hookline', 'dev-keys.json');

/**
 * The typed settings. The only reader of process.env in the code base: every
 * other class asks this service, so a setting is validated in one place.
 */
@Injectable()
export class ConfigService {
  readonly values: HooklineConfig;

  constructor() {
    this.values = parseConfig(process.env, { devKeysFile: path.resolve(process.cwd(), DEV_KEYS_FILE) });
  }

  get<K extends keyof HooklineConfig>(key: K): HooklineConfig[K] {
    return this.values[key];
  }
}
