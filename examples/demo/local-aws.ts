import { PersonalizeEmulator } from '../../test/emulator/personalize-emulator';

/**
 * Points every AWS SDK client of this process at the emulator, through the SDK's own configuration
 * chain (the handlers read no custom settings): region, dummy credentials, and the service-specific
 * endpoint variables. Only this process is affected; nothing here can reach AWS.
 */
export function useEmulator(emulator: PersonalizeEmulator, timeScale: number): Record<string, string> {
  const settings: Record<string, string> = {
    AWS_REGION: emulator.region,
    AWS_ACCESS_KEY_ID: 'demo',
    AWS_SECRET_ACCESS_KEY: 'demo',
    AWS_ENDPOINT_URL_PERSONALIZE: emulator.endpoint,
    AWS_ENDPOINT_URL_PERSONALIZE_EVENTS: emulator.endpoint,
    AWS_EC2_METADATA_DISABLED: 'true',
    // In Lambda these functions run on Node.js 22 or later; the SDK would warn about this machine's Node.js 20.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    // The handler's test hook: its own waits (1 s and 3.5 s after creating a tracker) run this much faster.
    EVENT_TRACKER_TIME_SCALE: String(timeScale),
  };
  for (const name of ['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_DEFAULT_REGION', 'AWS_ENDPOINT_URL']) {
    delete process.env[name];
  }
  Object.assign(process.env, settings);
  return settings;
}
