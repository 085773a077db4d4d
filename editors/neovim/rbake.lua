-- rbake lsp for Neovim (0.7 and later): attach the server to BitBake files.
-- Use: require("rbake").setup({ cmd = { "rbake", "lsp" }, build_dir = nil, inlay_hints = true })
local M = {}

local patterns = { "*.bb", "*.bbappend", "*.bbclass", "*.inc", "*/conf/*.conf" }

-- The nearest directory above `path` that holds conf/bblayers.conf.
local function find_build_dir(path)
  local dir = vim.fn.fnamemodify(path, ":p:h")
  while dir ~= "/" do
    if vim.fn.filereadable(dir .. "/conf/bblayers.conf") == 1 then
      return dir
    end
    dir = vim.fn.fnamemodify(dir, ":h")
  end
  return vim.fn.getcwd()
end

-- Starts the client once and attaches it to the current buffer.
function M.attach(options)
  options = options or {}
  if not M.client_id then
    local root = options.build_dir or find_build_dir(vim.api.nvim_buf_get_name(0))
    M.client_id = vim.lsp.start_client({
      name = "rbake",
      cmd = options.cmd or { "rbake", "lsp" },
      root_dir = root,
      init_options = { rbake = { buildDir = options.build_dir, inlayHints = options.inlay_hints ~= false } },
    })
  end
  vim.lsp.buf_attach_client(0, M.client_id)
end

function M.setup(options)
  vim.api.nvim_create_autocmd({ "BufReadPost", "BufNewFile" }, {
    pattern = patterns,
    callback = function()
      vim.bo.filetype = "bitbake"
      M.attach(options)
    end,
  })
end

return M
