/// The fixed lists the demo book draws from: names, places, agents, carriers. Names are varied on
/// purpose (accents, hyphens, CJK, apostrophes) so that the dashboard is exercised on real-world text.
enum DemoCatalog {
    static let firstNames = [
        "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth", "William", "Barbara",
        "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Charles", "Karen", "Christopher", "Lisa", "Daniel", "Nancy",
        "Matthew", "Betty", "Anthony", "Margaret", "Mark", "Sandra", "Donald", "Ashley", "Steven", "Kimberly", "Paul", "Emily",
        "Andrew", "Donna", "Joshua", "Michelle", "Kenneth", "Carol", "Kevin", "Amanda", "Brian", "Dorothy", "George", "Melissa",
        "Timothy", "Deborah", "Ronald", "Stephanie", "Edward", "Rebecca", "Jason", "Sharon", "Jeffrey", "Laura", "Ryan", "Cynthia",
        "José", "María", "Luis", "Carmen", "Juan", "Rosa", "Carlos", "Ana", "Jorge", "Lucía", "Wei", "Mei", "Hiroshi", "Yuki",
        "Priya", "Arjun", "Aisha", "Omar", "Fatima", "Ahmed", "Zoë", "Chloé", "Søren", "Björn", "Siobhán", "Nguyễn", "Minh", "Ji-woo",
        "Olumide", "Chinwe", "Dmitri", "Olga", "Giulia", "Marco", "François", "Renée",
    ]
    static let lastNames = [
        "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez", "Hernandez", "Lopez",
        "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White",
        "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott",
        "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell",
        "Carter", "Roberts", "O'Brien", "O'Neill", "McDonald", "Smith-Jones", "García-López", "Müller", "Schröder", "Kowalski",
        "Nowak", "Rossi", "Dubois", "Okafor", "Adeyemi", "Patel", "Shah", "Kim", "Park", "Chen", "Wang", "Tanaka", "Suzuki",
        "山田", "佐藤", "李", "Ivanov", "Haddad", "Cohen", "Friedman", "Novak", "Jensen", "Larsen",
    ]
    /// (state, IANA zone, cities, weight)
    static let places: [(state: String, zone: String, cities: [String], weight: Double)] = [
        ("IL", "America/Chicago", ["Springfield", "Chicago", "Peoria", "Naperville", "Rockford"], 3),
        ("TX", "America/Chicago", ["Austin", "Houston", "Dallas", "San Antonio", "El Paso"], 4),
        ("CA", "America/Los_Angeles", ["Sacramento", "Los Angeles", "San Diego", "Fresno", "San Jose"], 5),
        ("NY", "America/New_York", ["Albany", "Buffalo", "Rochester", "Brooklyn", "Syracuse"], 3),
        ("FL", "America/New_York", ["Tampa", "Orlando", "Miami", "Jacksonville", "Tallahassee"], 4),
        ("OH", "America/New_York", ["Columbus", "Cleveland", "Cincinnati", "Dayton", "Toledo"], 2),
        ("GA", "America/New_York", ["Atlanta", "Savannah", "Augusta", "Macon"], 2),
        ("AZ", "America/Phoenix", ["Phoenix", "Tucson", "Mesa", "Flagstaff"], 2),
        ("CO", "America/Denver", ["Denver", "Boulder", "Colorado Springs", "Fort Collins"], 1.5),
        ("WA", "America/Los_Angeles", ["Seattle", "Spokane", "Tacoma", "Olympia"], 1.5),
        ("MN", "America/Chicago", ["Minneapolis", "Saint Paul", "Duluth", "Rochester"], 1),
        ("MA", "America/New_York", ["Boston", "Worcester", "Springfield", "Cambridge"], 1.5),
    ]
    static let streets = ["Main St", "Oak Ave", "Maple Dr", "Cedar Ln", "Pine St", "Elm St", "Washington Blvd", "Lake Rd",
                          "Hillcrest Dr", "Park Ave", "Sunset Blvd", "River Rd", "Church St", "Highland Ave", "Meadow Ln"]
    static let agents: [(id: String, name: String, email: String, phone: String)] = [
        ("agent-avery", "Avery Collins", "avery.collins@retention-agency.example", "+1 217 555 0101"),
        ("agent-blake", "Blake Moreno", "blake.moreno@retention-agency.example", "+1 217 555 0102"),
        ("agent-casey", "Casey Nakamura", "casey.nakamura@retention-agency.example", "+1 217 555 0103"),
        ("agent-devon", "Devon Okoye", "devon.okoye@retention-agency.example", "+1 217 555 0104"),
        ("agent-emery", "Emery Lindqvist", "emery.lindqvist@retention-agency.example", "+1 217 555 0105"),
        ("agent-finley", "Finley Ruiz", "finley.ruiz@retention-agency.example", "+1 217 555 0106"),
    ]
    static let underwriters = ["Prairie Mutual", "Lakeshore Casualty", "Summit General", "Harborview Insurance", "Keystone Life"]
    static let emailDomains = ["example.com", "example.net", "example.org", "mail.example", "inbox.example"]
    /// Reasons of complaints that arise on their own; those about a premium increase or a claim follow the
    /// renewal or claim that caused them.
    static let everydayComplaints = ["billing error", "agent unreachable", "policy documents not received", "claim handling delay"]
    /// How a complaint of each reason was resolved (`complaint_resolved`'s `resolution`).
    static let resolutions: [String: [String]] = [
        "premium increase": ["explained the rating factors behind the increase", "re-quoted with a higher deductible", "applied a multi-policy discount",
                             "remarketed to another carrier"],
        "coverage dispute": ["claim decision reviewed and upheld", "claim reopened and partly paid", "coverage explained with the policy wording"],
        "claim handling delay": ["adjuster assigned and claim expedited", "claim paid with an apology", "escalated to the carrier's claims manager"],
        "billing error": ["refund issued", "payment plan corrected", "late fee waived"],
        "agent unreachable": ["agent called back", "customer moved to another agent in the office"],
        "policy documents not received": ["documents e-mailed again", "address corrected and documents posted"],
    ]
    static let contactOutcomes = ["reached", "left_voicemail", "no_answer", "renewal_discussed", "quote_sent", "review_scheduled"]
    /// Reasons for ending a policy mid-term.
    static let cancellationReasons = ["insured_request", "moved_to_competitor", "price", "non_payment"]

    /// What customers answer a campaign's messages, by campaign type; texts are short replies, calls the agent's note.
    static let responses: [CampaignType: (written: [String], text: [String], call: [String])] = [
        .renewal_reminder: (["Please call me before it renews.", "Can you check whether I can lower my premium?", "All good, thank you.",
                             "I sold the car, please update the policy before it renews.", "Please send me the renewal documents."],
                            ["YES", "Call me please", "OK thanks"],
                            ["Renewal confirmed, no changes.", "Reviewed drivers and vehicles; added a teen driver.", "Wants a quote with a higher deductible.",
                             "Shopping around; sent a re-quote."]),
        .engagement: (["Thanks for the welcome!", "Yes, please call me to go over my coverage.", "Can we review my deductible?"],
                      ["YES", "Call me next week", "Thanks"],
                      ["Welcome call done; set up autopay.", "Explained the claims process.", "Booked a coverage review."]),
        .winback: (["Yes, please send me a quote.", "I'd like a quote for my car.", "Not interested, thanks."],
                   ["YES", "Quote please", "No thanks"],
                   ["Quoted auto; customer to decide this week.", "Not interested for now."]),
        .loyalty: (["Thank you, that is kind!", "Thanks. Could you check my home coverage is still right?"],
                   ["Thanks!"],
                   ["Thanked for ten years; reviewed the home coverage."]),
        .cross_sell: (["Yes, quote my home too."], ["YES"], ["Quoted the bundle."]),
        .upsell: (["Please tell me more about umbrella cover."], ["YES"], ["Explained umbrella limits."]),
    ]
    /// Why a message did not reach the customer, by channel (`touchpoints.last_error`).
    static let emailBounce = "550 5.1.1 recipient address rejected: mailbox unavailable"
    static let smsFailure = "the text gateway refused the number: not a mobile number"
    static let callFailure = "number not in service"
    static let mailFailure = "returned to sender: address unknown"
}
