/// Embedding lookup: rows of a [vocab, dim] table gathered by id.
public enum Embedding {
    /// Rows `ids` of `table` as [ids.count, dim]. Ids are preconditions: callers validate ids
    /// coming from outside (the tokenizer/vocabulary) before the lookup.
    public static func lookup(_ table: Tensor, ids: [Int]) -> Tensor {
        precondition(table.rank == 2, "embedding: table must be [vocab, dim], got \(table.shape)")
        let vocab = table.shape[0], dim = table.shape[1]
        return table.withUnsafeFloats { t in
            Tensor(shape: [ids.count, dim]) { out in
                for (row, id) in ids.enumerated() {
                    precondition(id >= 0 && id < vocab, "embedding: id \(id) outside vocabulary of \(vocab)")
                    (out.baseAddress! + row * dim).update(from: t.baseAddress! + id * dim, count: dim)
                }
            }
        }
    }
}
