/// The weights of one LLaMA decoder block (follows Hugging Face `LlamaDecoderLayer`):
/// pre-norm attention with Q/K/V/O projections, then a pre-norm SwiGLU MLP
/// `down(silu(gate(x)) · up(x))`, each with a residual connection.
///
/// Checkpoint keys under `layers.N.`: `input_layernorm`, `self_attn.{q,k,v,o}_proj`,
/// `post_attention_layernorm`, `mlp.{gate,up,down}_proj`.
public struct LlamaDecoderLayer: Sendable {
    public let inputNorm: RMSNormLayer
    public let query: any MatrixWeight
    public let key: any MatrixWeight
    public let value: any MatrixWeight
    public let output: any MatrixWeight
    public let postAttentionNorm: RMSNormLayer
    public let gate: any MatrixWeight
    public let up: any MatrixWeight
    public let down: any MatrixWeight

    public init(inputNorm: RMSNormLayer, query: any MatrixWeight, key: any MatrixWeight, value: any MatrixWeight,
                output: any MatrixWeight, postAttentionNorm: RMSNormLayer, gate: any MatrixWeight,
                up: any MatrixWeight, down: any MatrixWeight) {
        self.inputNorm = inputNorm
        self.query = query
        self.key = key
        self.value = value
        self.output = output
        self.postAttentionNorm = postAttentionNorm
        self.gate = gate
        self.up = up
        self.down = down
    }

    /// Takes layer `index`'s weights from `loader` with the shapes `config` implies.
    init(loading index: Int, from loader: inout WeightLoader, config: LlamaConfiguration) throws {
        let p = "layers.\(index)"
        let h = config.hiddenSize, eps = Float(config.rmsNormEps)
        let q = config.numAttentionHeads * config.headDim, kv = config.numKeyValueHeads * config.headDim
        let i = config.intermediateSize
        self.init(
            inputNorm: try RMSNormLayer(loading: "\(p).input_layernorm", from: &loader, size: h, eps: eps),
            query: try loader.takeMatrix("\(p).self_attn.q_proj.weight", outFeatures: q, inFeatures: h),
            key: try loader.takeMatrix("\(p).self_attn.k_proj.weight", outFeatures: kv, inFeatures: h),
            value: try loader.takeMatrix("\(p).self_attn.v_proj.weight", outFeatures: kv, inFeatures: h),
            output: try loader.takeMatrix("\(p).self_attn.o_proj.weight", outFeatures: h, inFeatures: q),
            postAttentionNorm: try RMSNormLayer(loading: "\(p).post_attention_layernorm", from: &loader, size: h, eps: eps),
            gate: try loader.takeMatrix("\(p).mlp.gate_proj.weight", outFeatures: i, inFeatures: h),
            up: try loader.takeMatrix("\(p).mlp.up_proj.weight", outFeatures: i, inFeatures: h),
            down: try loader.takeMatrix("\(p).mlp.down_proj.weight", outFeatures: h, inFeatures: i))
    }
}
