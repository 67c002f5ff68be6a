/// The curated lexicon of the offline `rules` rewriter: meaning-preserving substitutions for
/// words and phrases common in segmentation instructions, and the clause and question patterns
/// it recognizes. Small on purpose: every entry was checked to keep the referent unchanged.
enum RewriteLexicon {
    /// Phrase → alternatives (lower case; matched as whole words, case restored on output).
    static let synonyms: [String: [String]] = [
        "throw away": ["discard", "get rid of", "dispose of"],
        "scraps": ["leftovers", "food waste"],
        "picture": ["image", "photo"],
        "image": ["picture", "photo"],
        "photo": ["picture", "image"],
        "object": ["item", "thing"],
        "item": ["object", "thing"],
        "thing": ["object", "item"],
        "find": ["locate", "identify"],
        "locate": ["find", "identify"],
        "identify": ["find", "locate"],
        "show": ["indicate", "point out"],
        "use": ["utilize", "make use of"],
        "used": ["utilized"],
        "place": ["spot", "location"],
        "spot": ["place", "location"],
        "big": ["large"],
        "large": ["big"],
        "small": ["little", "tiny"],
        "little": ["small"],
        "help": ["assist"],
        "helps": ["assists"],
        "store": ["keep"],
        "put": ["place"],
        "near": ["close to", "next to"],
        "next to": ["beside", "near"],
        "beside": ["next to"],
        "on top of": ["atop", "on"],
        "under": ["beneath", "below"],
        "below": ["under", "beneath"],
        "above": ["over"],
        "in front of": ["before"],
        "holding": ["carrying"],
        "carrying": ["holding"],
        "wearing": ["dressed in"],
        "person": ["individual"],
        "people": ["persons"],
        "man": ["guy"],
        "woman": ["lady"],
        "kid": ["child"],
        "child": ["kid"],
        "quickly": ["fast", "rapidly"],
        "want to": ["wish to", "would like to"],
        "need to": ["have to"],
        "would": ["might"],
        "could": ["might"],
        "someone": ["somebody", "a person"],
        "somebody": ["someone"],
        "area": ["region", "part"],
        "region": ["area", "part"],
        "part": ["portion", "section"],
        "keep": ["store"],
        "cold": ["chilled"],
        "warm": ["heated"],
        "cook": ["prepare"],
        "cooking": ["preparing food"],
        "eat": ["consume"],
        "drink": ["beverage"],
        "sit": ["take a seat", "rest"],
        "look at": ["view", "watch"],
        "watch": ["look at", "view"],
        "clean": ["wash"],
        "contains": ["holds"],
        "hold": ["contain"],
        "room": ["space"],
        "currently": ["at the moment", "right now"],
        "usually": ["typically", "normally"],
        "typically": ["usually", "normally"],
        "most likely": ["probably"],
        "probably": ["most likely"],
        "in order to": ["to"],
        "segment": ["outline", "mark"],
    ]

    /// Words that open a subordinate clause that can move to the end of a sentence.
    static let subordinators: Set<String> = [
        "after", "before", "when", "if", "while", "since", "because", "during", "once", "although", "whenever", "to",
    ]

    /// Question words whose question can be turned into a request ("Where can we X?" → "Show where we can X.").
    static let questionWords: Set<String> = ["what", "which", "where", "who", "whom", "whose"]

    /// Auxiliaries that invert with the subject in a question.
    static let auxiliaries: Set<String> = ["can", "could", "should", "would", "might", "will", "do", "does", "did", "is", "are", "was", "were", "must"]

    /// Subjects that follow an auxiliary in a question.
    static let subjects: Set<String> = ["we", "you", "i", "one", "people", "someone", "somebody", "they", "he", "she"]

    /// Openings of a request made from a question.
    static let requestOpenings = ["Show me", "Point out", "Please indicate", "Identify"]

    /// Imperative verbs that open a request which can become a question.
    static let imperatives: Set<String> = ["segment", "find", "show", "locate", "identify", "highlight", "mark", "outline"]

    /// Questions made from a request for "the X": "{x}" is the object phrase.
    static let questionForms = ["Where is {x}?", "Can you find {x}?", "Which part of the image shows {x}?", "What region contains {x}?"]
}
