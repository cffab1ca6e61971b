"""no-blame-shifting and no-arguing: own the problem, never contest the customer."""
from __future__ import annotations

from evals.rules.model import CheckContext, Verdict
from evals.rules.text import find_all, rx

_PARTY = (
    r"(courier|carrier|warehouse|billing|shipping|dispatch|logistics|accounts|it|tech(nical)?|engineering|marketing|sales|"
    r"support|other|night|day|weekend|previous|last|installation|kitchen|delivery|claims|underwriting|lab|pharmacy|front desk|reception)"
    r"( (department|team|staff|crew|shift|agent|person|guy|people|desk|office))?"
)
BLAME = [
    rx(r"\bnot (my|our|really our|really my) (fault|problem|department|responsibility|area|job|call|issue)\b"),
    rx(r"\bnothing (more |else )?(that )?(i|we) can do\b", r"\bout of (my|our) hands\b", r"\bbeyond (my|our) control\b", r"\b(i|we) (just|only) (handle|deal with|work in)\b"),
    rx(r"\byou (should|shouldn't|should not|ought to|could|needed to|need to) have\b", r"\byou should'?ve\b", r"\byou (failed|neglected|forgot) to\b",
       r"\b(your|the customer'?s) (own )?(fault|mistake|error)\b", r"\bif you had (read|followed|checked|paid|entered|told|called|updated)\b", r"\byou didn'?t (read|follow|check|enter|update)\b"),
    rx(r"\b(the|our|a|their|your) (courier|carrier|warehouse|subcontractor|contractor|supplier|vendor|partner|data ?cent(er|re)|provider|third[- ]party|manufacturer|bank|driver|installer|landlord|airline|airport|hotel|restaurant|kitchen|lab|insurer|clinic|technician|engineer|system|software|app|colleague|agent|staff member|team|department)s?\b"
       r"[^.!?]{0,50}\b(fault|to blame|is responsible|are responsible|was responsible|were responsible|messed up|screwed up|made (a|the|an) (mistake|error)|dropped the ball|failed to|lost (it|your)|their (mistake|error|problem|issue)|caused (this|the|it)|let (us|you) down|is on them|at fault)\b"),
    rx(rf"\b{_PARTY}\b[^.!?]{{0,30}}\b(messed up|screwed up|made (a|an|the) (mistake|error)|dropped the ball|at fault|to blame|got it wrong)\b"),
    rx(r"\b(you('ll| will)|you'd|you would) (need|have) to (contact|call|reach out to|take (it|this|that) up with|speak to|complain to|chase)\b", r"\bplease (contact|call|reach out to|take (it|this|that) up with|speak to|complain to|chase) (the|your) (courier|carrier|bank|manufacturer|provider|supplier|card issuer|insurer|landlord|airline|hotel|restaurant)\b"),
    rx(r"\b(that'?s|this is|it'?s|it is) (on |with )?(them|their (problem|fault|issue|end))\b", r"\b(the|a) \w+'s (fault|mistake|error|problem)\b", r"\bblame (lies|rests)\b", r"\b(is|was|are|were) to blame\b", r"\bwe (were|are) (just )?(let down|failed) by\b"),
    rx(r"\bwasn'?t (us|me|our doing)\b", r"\bnot something (i|we) (handle|deal with|can help with)\b", r"\bnot (handled|managed|done) by us\b"),
]
ARGUING = [
    rx(r"\bcalm down\b", r"\b(no|not any) need to (shout|yell|be rude|use (that|such) language|raise your voice|get (so )?(upset|worked up|angry)|be (so )?(upset|angry|aggressive))\b", r"\bplease (stop|refrain from) (shouting|yelling|swearing|using)\b"),
    rx(r"\byou('re| are) (simply |clearly |obviously )?(wrong|mistaken|incorrect|confused|overreacting|misinformed|misunderstanding)\b", r"\byou (have )?(misunderstood|misread|misremember\w*)\b", r"\byou must have\b"),
    rx(r"\b(that|this|it) is (simply |just )?(not true|incorrect|untrue|false|inaccurate|not (what|how) (happened|it works))\b", r"\b(that|it)'?s (simply |just )?(not true|incorrect|untrue|false|wrong|not (what|how) (happened|it works))\b", r"\bthat('?s| is) not (quite )?(right|correct|accurate)\b"),
    rx(r"\bactually,? (you|that|it|the|we|our)\b", r"\bwith (all )?due respect\b", r"\bto be (fair|clear|honest),? (you|we|our|the)\b"),
    rx(r"\bas (previously |already |clearly |was |is )*(stated|mentioned|explained|outlined|noted|indicated|advised|communicated)\b(?! by you)", r"\bas (i|we) (already |previously |have )*(said|explained|told you|stated|mentioned|advised)\b"),
    rx(r"\b(per|according to|under|in line with|as per|in accordance with) (our|the|your) (\w+ )?(policy|policies|terms|t&cs|terms and conditions|agreement|contract|records|guidelines|rules)\b", r"\b(our|the) (\w+ )?policy (states|says|clearly|is (clear|that)|does not|doesn't|requires|stipulates)\b", r"\b(clearly )?(stated|outlined|explained|written|listed) (clearly )?in (our|the) (terms|policy|contract|agreement|faq|fine print|t&cs)\b"),
    rx(r"\b(our|the) (records|system|systems|logs|data|notes|tracking) (show|shows|indicate|indicates|confirm|confirms|clearly|say|says)\b"),
    rx(r"\byou (agreed|consented|accepted|signed up) to\b", r"\b(it is|it's|that is|that's) your responsibility\b", r"\b(please|kindly) (read|review|refer to|re-?read|check) (the|our|your) (terms|policy|faq|contract|manual|instructions|agreement|fine print)\b"),
    rx(r"\bif you continue\b", r"\b(we|i) (will|may|reserve the right to|would have to|might have to) (close|terminate|suspend|ban|block|end)\b[^.!?]{0,30}\b(account|service|call|chat|conversation)\b", r"\b(we|i) (will|may) (take|pursue|consider) legal action\b"),
    rx(r"\bthere (is|was) (nothing|no (error|fault|problem|mistake)) (wrong )?(with|on|in|from) (our|the)\b", r"\b(was|were|is) (processed|working|delivered|functioning|billed|charged) (normally|correctly|properly|as expected|accurately)\b"),
]


def check_no_blame_shifting(ctx: CheckContext) -> Verdict:
    spans = find_all(BLAME, ctx.reply)
    if spans:
        return Verdict(False, "Shifts blame to someone else (a colleague, department, partner or the customer) or deflects.", tuple(spans))
    return Verdict(True, "Takes ownership; no one else is blamed.")


def check_no_arguing(ctx: CheckContext) -> Verdict:
    spans = find_all(ARGUING, ctx.reply)
    if spans:
        return Verdict(False, "Argues with the customer: contradicts them, tells them to calm down, lectures with policy or records, or threatens back.", tuple(spans))
    return Verdict(True, "Does not argue with the customer.")
