#!/usr/bin/env node
/** Entry point of `deploy-eas`. `--help` and `--version` answer without loading the command. */
const argv = process.argv.slice(2);
if (argv.length === 1 && ['--help', '-h', '--version'].includes(argv[0]!)) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { USAGE, VERSION } = require('../providers/alibaba/deploy-usage') as typeof import('../providers/alibaba/deploy-usage');
  process.stdout.write(argv[0] === '--version' ? `${VERSION}\n` : USAGE);
} else {
  // The build bundles the command into one file (fast start-up); the plain module is the fallback.
  const { main } = loadCommand();
  main(argv).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`deploy-eas: internal error: ${(err as Error).message}\nThis is a bug in inferstack; please report it.\n`);
      process.exitCode = 70;
    },
  );
}

function loadCommand(): typeof import('../providers/alibaba/deploy-command') {
  /* eslint-disable @typescript-eslint/no-require-imports */
  try {
    return require('../providers/alibaba/deploy-command.bundle.js') as typeof import('../providers/alibaba/deploy-command');
  } catch {
    return require('../providers/alibaba/deploy-command') as typeof import('../providers/alibaba/deploy-command');
  }
  /* eslint-enable @typescript-eslint/no-require-imports */
}
