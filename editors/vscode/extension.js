// The rbake language client: starts `rbake lsp` for BitBake files and
// passes it the build directory from the settings.
"use strict";

const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const settings = vscode.workspace.getConfiguration("rbake");
  const serverOptions = { command: settings.get("path", "rbake"), args: ["lsp"] };
  const buildDir = settings.get("buildDir", "");
  const options = { inlayHints: settings.get("inlayHints", true) };
  if (buildDir) {
    options.buildDir = buildDir;
  }
  const clientOptions = {
    documentSelector: [{ scheme: "file", language: "bitbake" }],
    initializationOptions: { rbake: options },
  };
  client = new LanguageClient("rbake", "rbake", serverOptions, clientOptions);
  context.subscriptions.push(
    vscode.commands.registerCommand("rbake.setContext", async () => {
      const recipe = await vscode.window.showInputBox({ prompt: "Recipe name (for example busybox)" });
      if (!recipe) {
        return;
      }
      try {
        const path = await client.sendRequest("workspace/executeCommand", {
          command: "rbake.setContext",
          arguments: [recipe],
        });
        vscode.window.showInformationMessage(`rbake: evaluating in ${path}`);
      } catch (error) {
        vscode.window.showErrorMessage(`rbake: ${error.message}`);
      }
    })
  );
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
