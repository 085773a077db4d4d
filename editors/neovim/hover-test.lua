-- Headless check: open a recipe, hover a variable, write the hover's
-- Markdown to $RBAKE_HOVER_OUT. Run by hover-test.sh.
local here = debug.getinfo(1, "S").source:sub(2):match("(.*)/")
package.path = here .. "/?.lua;" .. package.path
local rbake = require("rbake")
local out = os.getenv("RBAKE_HOVER_OUT")
vim.cmd("edit " .. os.getenv("RBAKE_RECIPE"))
rbake.attach({ cmd = { os.getenv("RBAKE_BIN"), "lsp" }, build_dir = os.getenv("RBAKE_BUILD_DIR") })
local ok = vim.wait(60000, function()
  local client = vim.lsp.get_client_by_id(rbake.client_id)
  return client ~= nil and client.initialized
end, 100)
local text = "no client"
if ok then
  -- Line 11, on EXTRA_OEMAKE.
  local params = { textDocument = vim.lsp.util.make_text_document_params(), position = { line = 10, character = 3 } }
  local results = vim.lsp.buf_request_sync(0, "textDocument/hover", params, 60000) or {}
  text = "no hover"
  for _, response in pairs(results) do
    if response.result then
      text = response.result.contents.value
    end
  end
end
local file = io.open(out, "w")
file:write(text)
file:close()
vim.cmd("qall!")
