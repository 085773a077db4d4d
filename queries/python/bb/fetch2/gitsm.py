"""The gitsm:// fetcher of rbake's bb.fetch2: git with submodules (URL handling only)."""

from bb.fetch2.git import Git


class GitSM(Git):
    def supports(self, ud, d):
        return ud.type in ['gitsm']
