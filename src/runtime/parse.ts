/**
 * Splitting of a runtime API input line (management.txt §9.3): commands are separated by
 * `;`, words by spaces or tabs, and a backslash makes the next character literal (so `\;`
 * and `\ ` stay inside a word). No quoting, as in HAProxy 2.6.
 */

/** Most words HAProxy keeps for one command (MAX_CLI_ARGS). */
export const MAX_CLI_ARGS = 64;

/** Splits one line into commands, each a list of words. An empty line gives one empty command. */
export function splitCommands(line: string): string[][] {
  const commands: string[][] = [];
  let words: string[] = [];
  let word = '';
  let inWord = false;
  const endWord = (): void => {
    if (inWord && words.length < MAX_CLI_ARGS) words.push(word);
    word = '';
    inWord = false;
  };
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '\\' && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (ch === ' ' || ch === '\t') {
      endWord();
    } else if (ch === ';') {
      endWord();
      commands.push(words);
      words = [];
    } else {
      word += ch;
      inWord = true;
    }
  }
  endWord();
  commands.push(words);
  // "a;" leaves a trailing empty command which HAProxy ignores; keep a lone empty line.
  if (commands.length > 1 && commands[commands.length - 1].length === 0) commands.pop();
  return commands;
}

/** The payload marker: a line ending with `<<` announces a payload up to the next empty line. */
export const PAYLOAD_PATTERN = '<<';
