/** Reading a PAI-EAS container back into the options the engine receives, and checking them against its contract. */
import { contractViolations, type EngineContract } from '../../lib/engines/contract';
import { ALIBABA_CONTRACTS } from '../../lib/engines/contracts/alibaba';
import type { EasContainer } from '../../providers/alibaba/service-config';

export { ALIBABA_VLLM_CONTRACT } from '../../lib/engines/contracts/alibaba';

/** Splits a POSIX shell command line (single and double quotes, no expansions) into words. */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (ch === "'") {
      const end = line.indexOf("'", i + 1);
      word += line.slice(i + 1, end);
      i = end;
      inWord = true;
    } else if (ch === '"') {
      const end = line.indexOf('"', i + 1);
      word += line.slice(i + 1, end);
      i = end;
      inWord = true;
    } else if (ch === ' ') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

export function containerWords(c: EasContainer): string[] {
  return c.command !== undefined ? c.command.split(' ') : shellWords(c.script ?? '');
}

const PROGRAM_WORDS: Record<string, number> = { 'alibaba/vllm': 3, 'alibaba/bladellm': 1, 'alibaba/sglang': 3 };

/** Flag -> value ('' for a switch) as argparse would read `words` after the program. */
export function parseFlags(contract: EngineContract, words: readonly string[]): { flags: Record<string, string>; duplicates: string[] } {
  const flags: Record<string, string> = {};
  const duplicates: string[] = [];
  for (let i = PROGRAM_WORDS[contract.id] ?? 0; i < words.length; i++) {
    const word = words[i]!;
    if (!word.startsWith('-')) {
      duplicates.push(`stray word ${word}`);
      continue;
    }
    const eq = word.indexOf('=');
    const name = eq > 0 ? word.slice(0, eq) : word;
    const option = contract.options.find((o) => o.kind === 'flag' && o.name === name);
    let value = '';
    if (eq > 0) value = word.slice(eq + 1);
    else if (option?.type !== 'bool' && i + 1 < words.length && !words[i + 1]!.startsWith('--')) value = words[++i]!;
    if (name in flags) duplicates.push(name);
    flags[name] = value;
  }
  return { flags, duplicates };
}

export function contractById(id: string): EngineContract {
  return ALIBABA_CONTRACTS.find((c) => c.id === id)!;
}

/** Every way a container's command and env break the contract, including a flag given twice. */
export function contractViolationsOfWords(id: string, words: readonly string[], env: Readonly<Record<string, string>>): string[] {
  const contract = contractById(id);
  const { flags, duplicates } = parseFlags(contract, words);
  return [...duplicates.map((d) => `${id}: ${d} given twice`), ...contractViolations(contract, flags, 'flag'), ...contractViolations(contract, env, 'env')];
}
