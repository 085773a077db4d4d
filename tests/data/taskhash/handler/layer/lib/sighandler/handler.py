# A signature handler defined by the layer, as OpenEmbedded-Core defines
# OEEquivHash: target recipes leave their native dependencies out of
# their taskhashes.
import bb.siggen


class SignatureGeneratorLayerHash(bb.siggen.SignatureGeneratorBasicHash):
    name = "layerhash"

    def rundep_check(self, fn, recipename, task, dep, depname, dataCaches=None):
        if depname.endswith("-native") and not recipename.endswith("-native"):
            return False
        return super().rundep_check(fn, recipename, task, dep, depname, dataCaches)


bb.siggen.SignatureGeneratorLayerHash = SignatureGeneratorLayerHash
