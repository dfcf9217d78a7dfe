// Starts `suanli lsp` (stdio) for .spec files: diagnostics, hover, definitions,
// references, completion, formatting and symbols come from the server.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("suanli").get("command") || "suanli";
  const server = { command, args: ["lsp"] };
  client = new LanguageClient("suanli", "suanli", { run: server, debug: server }, {
    documentSelector: [{ scheme: "file", language: "suanli" }],
  });
  context.subscriptions.push({ dispose: () => client && client.stop() });
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
