'use strict';
/*
 * Spectral lint of one spec with one ruleset, through Spectral's own libraries (the versions of
 * package-lock.json), printing the results as the CLI's `--format=json` does.
 *
 *     node contract/spectral.cjs RULESET SPEC
 *
 * Why not the CLI: it turns a YAML ruleset into JavaScript with Spectral's migrator and then
 * bundles that with rollup before loading it; the bundling costs about a quarter of a CPU second
 * on every run and changes nothing for a ruleset that only extends packages and sets rules. This
 * loads the migrated ruleset as the CLI's own `load` does (module source run with a `require`
 * rooted at the ruleset's folder) and lints with the CLI's parser, resolver and options.
 * Exit 0 with the report on stdout; 2 with the reason on stderr when no report could be made.
 */

const fs = require('node:fs');
const path = require('node:path');
const { createRequire } = require('node:module');
const { Spectral, Document, Ruleset } = require('@stoplight/spectral-core');
const Parsers = require('@stoplight/spectral-parsers');
const { json } = require('@stoplight/spectral-formatters');
const { migrateRuleset } = require('@stoplight/spectral-ruleset-migrator');
const { createHttpAndFileResolver } = require('@stoplight/spectral-ref-resolver');
const { readParsable } = require('@stoplight/spectral-runtime');

async function loadRuleset(rulesetFile) {
  const source = await migrateRuleset(rulesetFile, { format: 'commonjs', fs });
  const rulesetRequire = createRequire(rulesetFile);
  const paths = [path.dirname(rulesetFile)];
  const loaded = {};
  Function('module, require', source)(loaded, (id) =>
    rulesetRequire(rulesetRequire.resolve(id, { paths })),
  );
  // Where a ruleset's own problems are: the CLI gives the same context.
  const parsed = Parsers.Yaml.parse(fs.readFileSync(rulesetFile, 'utf8'));
  return new Ruleset(loaded.exports, {
    severity: 'recommended',
    source: rulesetFile,
    sourceContext: {
      source: rulesetFile,
      getLocationForJsonPath: (jsonPath) => Parsers.Yaml.getLocationForJsonPath(parsed, jsonPath),
    },
  });
}

async function main([rulesetArg, specArg]) {
  if (!rulesetArg || !specArg) {
    throw new Error('usage: node contract/spectral.cjs RULESET SPEC');
  }
  const rulesetFile = path.resolve(rulesetArg);
  const spec = path.resolve(specArg);
  const spectral = new Spectral({ resolver: createHttpAndFileResolver() });
  spectral.setRuleset(await loadRuleset(rulesetFile));
  const document = new Document(await readParsable(spec, { encoding: 'utf8' }), Parsers.Yaml, spec);
  const results = await spectral.run(document, { ignoreUnknownFormat: false });
  process.stdout.write(json(results.map((result) => ({ ...result, documentationUrl: undefined }))));
}

main(process.argv.slice(2)).then(
  () => {},
  (error) => {
    // The message alone, as the CLI prints it: the caller shows the end of what is written here.
    process.stderr.write(`${error instanceof Error ? error.message : error}\n`);
    process.exitCode = 2;
  },
);
