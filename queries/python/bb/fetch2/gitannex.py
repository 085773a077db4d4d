"""The gitannex:// fetcher of rbake's bb.fetch2 (URL handling only)."""

from bb.fetch2.git import Git


class GitANNEX(Git):
    def supports(self, ud, d):
        return ud.type in ['gitannex']

    def urldata_init(self, ud, d):
        super().urldata_init(ud, d)
        if ud.shallow:
            ud.shallow_extra_refs += ['refs/heads/git-annex', 'refs/heads/synced/*']
