/// What common objects are for: the curated lexicon behind the offline `rules` query writer.
/// Each class has synonyms (which a generated query must not say) and uses, written so that
/// "something used to {use}" reads as a question needing world knowledge, not a name.
public struct Affordance: Sendable, Codable, Equatable {
    public var synonyms: [String]
    /// What the object is used for — or, for an animal, what it does.
    public var uses: [String]
    /// An animal: its queries ask what would do something, not what is used to.
    public var isCreature: Bool

    public init(synonyms: [String], uses: [String], isCreature: Bool = false) {
        self.synonyms = synonyms
        self.uses = uses
        self.isCreature = isCreature
    }
}

public enum AffordanceLexicon {
    /// Class name (as cleaned by `ClassNameRules`) → affordance.
    public static let entries: [String: Affordance] = [
        "trash can": .init(synonyms: ["trash bin", "garbage can", "bin", "wastebasket", "rubbish bin", "dustbin"],
                           uses: ["throw away the scraps after cooking", "dispose of waste", "get rid of an empty wrapper"]),
        "chair": .init(synonyms: ["seat", "stool"], uses: ["sit down at the table", "rest your legs while working"]),
        "couch": .init(synonyms: ["sofa", "settee"], uses: ["lie down and watch a movie", "seat several guests at once"]),
        "sofa": .init(synonyms: ["couch", "settee"], uses: ["lie down and watch a movie", "seat several guests at once"]),
        "bed": .init(synonyms: ["mattress", "bunk"], uses: ["sleep at night", "take a nap"]),
        "table": .init(synonyms: ["desk", "counter"], uses: ["put plates on during a meal", "spread out papers to work"]),
        "desk": .init(synonyms: ["table", "workstation"], uses: ["write a letter on", "set up a computer to work"]),
        "toilet": .init(synonyms: ["lavatory", "loo", "commode"], uses: ["relieve yourself", "flush waste away"]),
        "sink": .init(synonyms: ["basin", "washbasin"], uses: ["wash your hands", "rinse dirty dishes"]),
        "refrigerator": .init(synonyms: ["fridge", "freezer"], uses: ["keep milk cold", "store leftovers so they do not spoil"]),
        "microwave": .init(synonyms: ["microwave oven"], uses: ["reheat leftovers in a minute", "warm up a cup of milk quickly"]),
        "oven": .init(synonyms: ["stove", "cooker"], uses: ["bake a cake", "roast a chicken"]),
        "tv": .init(synonyms: ["television", "television set", "screen", "monitor"], uses: ["watch the evening news", "follow a football match"]),
        "television": .init(synonyms: ["tv", "screen", "monitor"], uses: ["watch the evening news", "follow a football match"]),
        "laptop": .init(synonyms: ["notebook computer", "computer", "notebook"], uses: ["write an email while travelling", "join a video call"]),
        "keyboard": .init(synonyms: ["keypad"], uses: ["type a document", "enter text into a computer"]),
        "mouse": .init(synonyms: ["computer mouse", "trackpad"], uses: ["move the pointer on a screen", "click on a link"]),
        "cell phone": .init(synonyms: ["phone", "mobile phone", "smartphone", "cellphone"], uses: ["call a friend", "send a text message"]),
        "book": .init(synonyms: ["novel", "volume", "textbook"], uses: ["read a story before bed", "learn about history"]),
        "clock": .init(synonyms: ["watch", "timepiece"], uses: ["tell the time", "check whether you are late"]),
        "vase": .init(synonyms: ["flower pot", "jar"], uses: ["display freshly cut flowers", "hold a bouquet with water"]),
        "scissors": .init(synonyms: ["shears", "clippers"], uses: ["cut a sheet of paper", "trim a piece of string"]),
        "teddy bear": .init(synonyms: ["stuffed animal", "plush toy", "soft toy"], uses: ["comfort a child at bedtime", "cuddle while falling asleep"]),
        "hair drier": .init(synonyms: ["hair dryer", "blow dryer", "blow-dryer"], uses: ["dry wet hair after a shower", "blow hot air on your hair"]),
        "toothbrush": .init(synonyms: ["tooth brush"], uses: ["clean your teeth", "brush before going to bed"]),
        "cup": .init(synonyms: ["mug", "teacup", "glass"], uses: ["drink hot tea", "hold your morning coffee"]),
        "bottle": .init(synonyms: ["flask", "jug"], uses: ["carry water on a hike", "store a drink and close it again"]),
        "wine glass": .init(synonyms: ["goblet", "glass", "stemware"], uses: ["serve red wine at dinner", "raise a toast"]),
        "fork": .init(synonyms: ["cutlery"], uses: ["pick up pieces of salad", "eat spaghetti"]),
        "knife": .init(synonyms: ["blade", "cutlery"], uses: ["slice a loaf of bread", "cut a steak"]),
        "spoon": .init(synonyms: ["ladle", "teaspoon", "cutlery"], uses: ["eat soup", "stir sugar into tea"]),
        "bowl": .init(synonyms: ["dish", "basin"], uses: ["serve cereal with milk", "mix ingredients for a cake"]),
        "umbrella": .init(synonyms: ["parasol", "brolly"], uses: ["stay dry in the rain", "shade yourself from the sun"]),
        "backpack": .init(synonyms: ["rucksack", "bag", "knapsack"], uses: ["carry school books", "pack supplies for a hike"]),
        "handbag": .init(synonyms: ["purse", "bag"], uses: ["carry a wallet and keys", "keep small personal items"]),
        "suitcase": .init(synonyms: ["luggage", "case", "baggage"], uses: ["pack clothes for a trip", "take belongings on a flight"]),
        "bicycle": .init(synonyms: ["bike", "cycle"], uses: ["ride to work without fuel", "pedal along a trail"]),
        "car": .init(synonyms: ["automobile", "vehicle", "sedan"], uses: ["drive the family to the supermarket", "travel by road"]),
        "motorcycle": .init(synonyms: ["motorbike", "bike", "scooter"], uses: ["ride fast on two wheels with an engine"]),
        "bus": .init(synonyms: ["coach", "vehicle"], uses: ["take many passengers across town", "commute on public transport"]),
        "truck": .init(synonyms: ["lorry", "vehicle"], uses: ["haul heavy cargo", "deliver furniture to a new home"]),
        "boat": .init(synonyms: ["ship", "vessel", "canoe"], uses: ["cross a lake", "go fishing on the water"]),
        "traffic light": .init(synonyms: ["traffic signal", "stoplight", "signal"], uses: ["tell drivers when to stop and go", "control the flow of cars at a junction"]),
        "fire hydrant": .init(synonyms: ["hydrant", "fireplug"], uses: ["supply water to firefighters", "connect a fire hose"]),
        "stop sign": .init(synonyms: ["sign"], uses: ["tell drivers to come to a full halt"]),
        "bench": .init(synonyms: ["seat", "pew"], uses: ["sit down in the park", "rest while waiting outdoors"]),
        "bird": .init(synonyms: ["pigeon", "sparrow", "gull"], uses: ["fly between the trees", "sing in the morning"], isCreature: true),
        "cat": .init(synonyms: ["kitten", "kitty", "feline"], uses: ["catch mice in the house", "purr when stroked"], isCreature: true),
        "dog": .init(synonyms: ["puppy", "hound", "canine"], uses: ["guard the house and fetch a ball", "walk on a leash"], isCreature: true),
        "horse": .init(synonyms: ["pony", "stallion", "mare"], uses: ["be ridden across a field", "pull a carriage"], isCreature: true),
        "kite": .init(synonyms: [], uses: ["fly high on a windy day"]),
        "skateboard": .init(synonyms: ["board"], uses: ["perform tricks at a skate park", "roll along the pavement"]),
        "surfboard": .init(synonyms: ["board"], uses: ["ride the ocean waves"]),
        "tennis racket": .init(synonyms: ["racket", "racquet"], uses: ["hit a ball over a net"]),
        "baseball bat": .init(synonyms: ["bat"], uses: ["hit a pitched ball"]),
        "door": .init(synonyms: ["doorway", "gate"], uses: ["enter or leave the room", "close the room for privacy"]),
        "window": .init(synonyms: ["windowpane", "pane"], uses: ["let sunlight into the room", "look outside without going out"]),
        "lamp": .init(synonyms: ["light", "lantern"], uses: ["read at night", "light up a dark corner"]),
        "pillow": .init(synonyms: ["cushion"], uses: ["rest your head while sleeping"]),
        "curtain": .init(synonyms: ["drape", "blind"], uses: ["block the morning sun", "keep neighbours from looking in"]),
        "shelf": .init(synonyms: ["bookshelf", "rack", "bookcase"], uses: ["display books and ornaments", "keep things off the floor"]),
        "cabinet": .init(synonyms: ["cupboard", "closet", "wardrobe"], uses: ["store dishes out of sight", "keep supplies behind doors"]),
        "mirror": .init(synonyms: ["looking glass"], uses: ["check your hair before leaving", "see your reflection"]),
        "towel": .init(synonyms: ["cloth"], uses: ["dry yourself after a shower"]),
        "bathtub": .init(synonyms: ["tub", "bath"], uses: ["take a long soak", "bathe a small child"]),
        "whiteboard": .init(synonyms: ["board", "blackboard"], uses: ["sketch ideas during a meeting", "write notes with a marker"]),
        "monitor": .init(synonyms: ["screen", "display"], uses: ["see what the computer shows"]),
        "pizza": .init(synonyms: ["pie"], uses: ["share a cheesy meal with friends"]),
        "banana": .init(synonyms: ["fruit"], uses: ["eat a quick snack rich in potassium"]),
        "potted plant": .init(synonyms: ["plant", "houseplant", "flower pot"], uses: ["bring some greenery indoors"]),
    ]

    /// Short-phrase patterns; `{use}` is one of the class's uses.
    public static let phrasePatterns = [
        "something used to {use}",
        "the thing you would use to {use}",
        "what you need to {use}",
    ]

    /// Short-phrase patterns for animals.
    public static let creaturePhrasePatterns = [
        "the animal that would {use}",
        "the creature most likely to {use}",
    ]

    /// Sentence patterns for animals.
    public static let creatureSentencePatterns = [
        "Which animal in this picture would {use}?",
        "What here is most likely to {use}?",
    ]

    /// Sentence patterns.
    public static let sentencePatterns = [
        "If I want to {use}, which object in this image should I use?",
        "What in this picture could help someone {use}?",
        "Which item here would you reach for to {use}?",
        "Suppose you need to {use}. What in this scene would you use?",
    ]
}
