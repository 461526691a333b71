import { describe, expect, test } from 'vitest';
import { FIREFOX_INSTALL_COMMAND, findFirefox, MissingFirefoxError } from '../../scripts/lib/firefox';

describe('findFirefox', () => {
  test('error: no Firefox anywhere names the command that installs it', () => {
    expect(() => findFirefox(['/nonexistent/firefox-esr'], undefined)).toThrow(MissingFirefoxError);
    expect(() => findFirefox(['/nonexistent/firefox-esr'], undefined)).toThrow(FIREFOX_INSTALL_COMMAND);
    expect(FIREFOX_INSTALL_COMMAND).toBe('sudo apt-get update && sudo apt-get install -y firefox-esr');
  });

  test('param: FIREFOX_PATH wins, and must exist', () => {
    expect(findFirefox(['/nonexistent/firefox-esr'], process.execPath)).toBe(process.execPath);
    expect(() => findFirefox([], '/nonexistent/firefox')).toThrow('FIREFOX_PATH=/nonexistent/firefox does not exist.');
  });
});
