"""prompt_injection: text written to steer the AI drafting the reply rather than to tell us about a problem."""
from __future__ import annotations

from api.analysis.rules import Rule
from api.analysis.text import rx

_AI = r"(?:AI|A\.I\.|assistant|AI\s+assistant|bot|chat\s?bot|model|language\s+model|LLM|GPT)"
_AI_NAME = r"(?:AI|A\.I\.|assistant|AI\s+assistant|chat\s?bot|LLM|GPT)"
"""Narrower than _AI for 'X:' headings, where 'Model:' or 'Bot:' could be a product label."""

RULES: list[Rule] = [
    Rule("prompt_injection", "tries to override the assistant's instructions",
         rx(r"\b(?:ignore|disregard|forget|override|bypass)\s+(?:all\s+|any\s+)?(?:of\s+)?(?:the\s+|your\s+|my\s+|these\s+)?"
            r"(?:previous|prior|above|earlier|preceding|original|system|existing)(?:\s+\w+)?\s+"
            r"(?:instructions?|prompts?|rules|directions|guidelines|messages?|context)\b",
            r"\b(?:disregard|ignore)\s+(?:all\s+|everything\s+)?(?:the\s+)?above\b",
            r"\bforget\s+(?:everything|all)\s+(?:you\s+(?:were|have\s+been)\s+told|above)\b"),
         negatable=False),
    Rule("prompt_injection", "fakes a system or instruction block",
         rx(r"(?:^|\n)[ \t\-#*>\[(<=|]*(?:system|assistant|developer|admin)(?:\s+(?:notice|message|prompt|override|note|instruction))?\s*[:\]]",
            r"(?-i:\bSYSTEM(?:\s+[A-Z]+)?\s*:)", r"#{2,}\s*(?:new\s+|updated\s+|end\s+)?instructions?\b",
            r"<\|im_(?:start|end)\|>", r"\[/?INST\]", r"<<\s*/?SYS\s*>>", r"</?system>"),
         negatable=False),
    Rule("prompt_injection", "tries to change the assistant's role or restrictions",
         rx(r"\byou\s+are\s+now\s+(?:DAN\b|an?\s+(?:\w+\s+)?(?:AI|assistant|bot|doctor|lawyer|agent|manager|model)\b|in\s+\w+\s+mode\b)",
            r"(?-i:\bDAN\b)(?=,|\s+mode)", r"\b(?:as|now)\s+(?-i:DAN)\b", r"\bdeveloper\s+mode\b", r"\bjailbr(?:ea|o)k\w*",
            rf"\b(?:{_AI}|you)\b[^.!?\n]{{0,30}}\b(?:no|without)\s+(?:any\s+)?(?:restrictions|limits|rules)\b",
            r"\brestrictions\s+(?:are\s+)?(?:disabled|lifted|removed|off)\b",
            r"\bact\s+as\s+(?:an?\s+|my\s+)(?:\w+\s+){0,2}(?:assistant|AI|bot|model|agent|doctor|lawyer|manager|supervisor)\b",
            r"\bpretend\s+(?:you\s+are|you're|to\s+be)\b", rf"\bas\s+(?:the|an?)\s+{_AI},?\s+you\s+(?:must|should|will|are)\b"),
         negatable=False),
    Rule("prompt_injection", "addresses the AI directly with instructions",
         rx(rf"\b(?:note\s+)?(?:to|for)\s+(?:the\s+|any\s+)?{_AI}\b(?:\s+\w+){{0,3}}?\s+(?:reading|drafting|handling|writing|"
            r"processing|answering|replying|responding)\b",
            rf"(?:^|\n|P\.?\s?S\.?:?)\s*(?:dear\s+|attention\s+|note\s+for\s+(?:the\s+)?)?{_AI_NAME}\s*:"),
         negatable=False),
    Rule("prompt_injection", "dictates the form or content of the reply",
         rx(r"\b(?:respond|reply|answer|write)\s+only\s+in\b",
            r"\b(?:start|begin|open)\s+your\s+(?:answer|reply|response|message)\s+with\b",
            r"\b(?:at\s+the\s+(?:start|beginning|top)|in\s+the\s+first\s+(?:line|sentence))\s+of\s+your\s+"
            r"(?:reply|response|answer|message)\b", r"\bin\s+your\s+first\s+(?:line|sentence)\b",
            r"\bdo\s+not\s+(?:mention|reveal|disclose)\s+(?:this|the)\s+(?:instruction|postscript|override|note|message|P\.?S)\w*",
            r"\bthis\s+(?:instruction|note|message|override)\s+supersedes\b",
            r"\b(?:the\s+)?(?:support\s+)?(?:agent|assistant|you)\s+(?:is|are)\s+(?:now\s+)?(?:authori[sz]ed|cleared)\s+to\b",
            r"\b(?:priority|authori[sz]ed|agent|admin|manager)\s+override\b", r"\boverride\s+(?:enabled|mode|code)\b",
            r"\bpolicy\s+(?:limits\s+)?(?:do\s+not|don'?t|does\s+not|doesn'?t)\s+apply\b",
            r"\b(?:company\s+)?policy\s+has\s+been\s+updated\b"),
         negatable=False),
]
