// Runs before every npm script that executes project code. npm puts
// node_modules/.bin first on PATH, so the pinned `node` devDependency (Node 24)
// should be the one running this file; if it is not, its install script was
// skipped or denied and the project would silently run on the system Node.
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  console.error(
    `hotline12345 needs Node.js 24 (found ${process.version} at ${process.execPath}).\n` +
      'The pinned Node comes from the "node" devDependency: run `npm install` in the project root ' +
      'and make sure its install script is allowed (see "allowScripts" in package.json).',
  );
  process.exit(1);
}
