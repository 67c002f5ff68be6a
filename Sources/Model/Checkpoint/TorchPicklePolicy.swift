import Serialization

extension PicklePolicy {
    /// What a PyTorch checkpoint's pickle may reference: the tensor and parameter rebuild
    /// functions, storage classes and dtypes, and persistent ids (storages). Nothing else —
    /// a checkpoint that names `os.system` or any other global fails to load.
    public static let pytorch: PicklePolicy = {
        var globals: Set<PickleGlobal> = [
            PickleGlobal("torch._utils", "_rebuild_tensor"),
            PickleGlobal("torch._utils", "_rebuild_tensor_v2"),
            PickleGlobal("torch._utils", "_rebuild_tensor_v3"),
            PickleGlobal("torch._utils", "_rebuild_parameter"),
            PickleGlobal("torch._utils", "_rebuild_parameter_with_state"),
            PickleGlobal("torch._tensor", "_rebuild_from_type_v2"),
            PickleGlobal("torch", "Tensor"),
            PickleGlobal("torch.nn.parameter", "Parameter"),
        ]
        for storage in ["DoubleStorage", "FloatStorage", "HalfStorage", "BFloat16Storage", "LongStorage",
                        "IntStorage", "ShortStorage", "CharStorage", "ByteStorage", "BoolStorage", "UntypedStorage"] {
            globals.insert(PickleGlobal("torch", storage))
        }
        for dtype in ["float64", "double", "float32", "float", "float16", "half", "bfloat16", "int64", "long",
                      "int32", "int", "int16", "short", "int8", "uint8", "bool"] {
            globals.insert(PickleGlobal("torch", dtype))
        }
        return PicklePolicy(allowedGlobals: globals, allowsPersistentIDs: true)
    }()
}
