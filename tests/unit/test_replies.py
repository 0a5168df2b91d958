"""Reply scripts (话术): the shipped library, checks at load, rendering, traditional output, order numbers."""

import re
import tomllib
from importlib.resources import files

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from triage.decisions import Policy, PolicyError, ScriptLibrary, is_traditional_text, traditional_config
from triage.decisions._replies import _render, find_order_id
from triage.features import to_simplified
from triage.labels import EMOTIONS, TYPES

SHIPPED = files("triage.decisions") / "data" / "replies.toml"
VALUES = {
    "customer": "您",
    "order_id": None,
    "hours": "24",
    "response_time": "24小时",
    "resolution_time": "3个工作日",
    "resolution_date": "2月26日",
    "follow_up_time": "24小时",
}
LEAK = re.compile(r"[{}\[\]]")


@pytest.fixture(scope="module")
def lib():
    return ScriptLibrary.load(forbidden=Policy().forbidden_phrases)


def minimal(**extra):
    return {
        "script": [
            {"id": "all", "type": "*", "emotion": "*", "empathy": "您好。", "action": "{response_time}内回复。"}
        ],
        **extra,
    }


# -- the shipped library -------------------------------------------------------------------
def test_every_type_emotion_and_non_complaints_have_variants(lib):
    for t in TYPES:
        for e in EMOTIONS:
            cands = lib._candidates(t, e)
            assert len(cands) >= 2, (t, e)
            assert all((s.type, s.emotion) == (t, e) for s in cands)
    for e in EMOTIONS:
        assert lib._candidates("none", e)
    assert {o.flag for o in lib.openings} >= {"safety", "privacy", "fraud"}


def test_no_shipped_script_makes_a_forbidden_promise():
    raw = tomllib.loads(SHIPPED.read_text(encoding="utf-8"))
    texts = [(s["id"], s["empathy"] + s["action"]) for s in raw["script"]] + [
        (o["id"], o["text"]) for o in raw["opening"]
    ]
    assert len(texts) >= 50
    phrases = [*Policy().forbidden_phrases, "赔偿", "保证", "一定退"]
    for sid, text in texts:
        for phrase in phrases:
            assert phrase not in text, (sid, phrase)


def test_every_script_renders_cleanly_with_and_without_an_order_number(lib):
    for s in lib.scripts:
        for vals in (VALUES, {**VALUES, "order_id": "A20260302", "customer": "张女士"}):
            text = _render(s.empathy, vals) + _render(s.action, vals)
            assert not LEAK.search(text), (s.id, text)
            assert "  " not in text and "的的" not in text and "，，" not in text
            if vals["order_id"] and "order_id" in s.uses:
                assert "A20260302" in text
        if "order_id" in s.uses:
            assert "订单" not in _render(s.action, VALUES).replace("订单组", ""), s.id  # no dangling 订单
    for o in lib.openings:
        assert not LEAK.search(_render(o.text, VALUES))


def test_scripts_follow_the_emotion_rules(lib):
    vals = {**VALUES, "response_time": "15分钟"}
    for t in TYPES:
        for s in lib._candidates(t, "angry"):
            text = _render(s.empathy, vals)  # acknowledgement and apology before the solution
            assert "抱歉" in text or "道歉" in text, s.id
        for s in lib._candidates(t, "anxious"):
            action = _render(s.action, vals)  # a time commitment
            assert "15分钟" in action and ("2月26日" in action or "3个工作日" in action), s.id
    for e in EMOTIONS:
        for s in lib._candidates("policy", e):
            action = _render(s.action, vals)  # the rule explained, and the alternatives
            assert "规定" in action and any(w in action for w in ("替代", "可选", "其他", "办法")), s.id
    for s in lib.scripts:
        assert "{response_time}" in str(s.action) or "response_time" in s.uses, s.id


# -- checks at load ----------------------------------------------------------------------------
def test_a_forbidden_promise_is_refused_naming_script_and_phrase():
    data = minimal()
    data["script"].append(
        {
            "id": "greedy",
            "type": "product",
            "emotion": "angry",
            "empathy": "抱歉。",
            "action": "我们会全额赔偿您的损失。",
        }
    )
    with pytest.raises(PolicyError, match=r"script 'greedy' promises '全额赔偿'"):
        ScriptLibrary.from_dict(data, forbidden=Policy().forbidden_phrases)
    data["script"][-1]["action"] = "我們會全額賠償您的損失。"  # traditional script is caught too
    with pytest.raises(PolicyError, match="'greedy' promises '全额赔偿'"):
        ScriptLibrary.from_dict(data, forbidden=Policy().forbidden_phrases)
    ScriptLibrary.from_dict(data, forbidden=())  # a policy may allow it


def test_user_library_through_policy_is_checked(tmp_path):
    f = tmp_path / "r.toml"
    f.write_text(
        '[[script]]\nid = "x"\ntype = "*"\nemotion = "*"\nempathy = "抱歉。"\naction = "假一赔十，{response_time}内回复。"\n',
        encoding="utf-8",
    )
    with pytest.raises(PolicyError, match=r"script 'x' promises '假一赔十'"):
        Policy(replies=str(f)).library()
    with pytest.raises(FileNotFoundError, match="does not exist"):
        Policy(replies=str(tmp_path / "none.toml")).library()


@pytest.mark.parametrize(
    "action, match",
    [
        ("{hour}内回复", r"unknown placeholder \{hour\}"),
        ("订单{order_id}已处理", r"\{order_id\} may have no value, so it must sit inside an optional segment"),
        ("[订单{order_id}已处理", "'\\[' without a matching '\\]'"),
        ("订单]已处理", "'\\]' without a matching '\\['"),
        ("[[订单{order_id}]]", "cannot nest"),
        ("[订单]已处理", "has no placeholder"),
        ("{response_time内回复", "unpaired '{'"),
        ("", "expected non-empty text"),
    ],
)
def test_malformed_templates_are_refused(action, match):
    data = minimal()
    data["script"].append({"id": "bad", "type": "policy", "emotion": "calm", "empathy": "您好。", "action": action})
    with pytest.raises(PolicyError, match=match):
        ScriptLibrary.from_dict(data)


def test_library_structure_errors():
    with pytest.raises(PolicyError, match=r"no script for product × angry"):
        ScriptLibrary.from_dict(
            {"script": [{"id": "a", "type": "none", "emotion": "*", "empathy": "好。", "action": "好。"}]}
        )
    with pytest.raises(PolicyError, match="duplicate id 'all'"):
        ScriptLibrary.from_dict({"script": minimal()["script"] * 2})
    with pytest.raises(PolicyError, match="unknown key 'scripts'"):
        ScriptLibrary.from_dict({"scripts": []})
    with pytest.raises(PolicyError, match="emotion must be one of"):
        ScriptLibrary.from_dict({"script": [{**minimal()["script"][0], "emotion": "furious"}]})
    with pytest.raises(PolicyError, match="flag must be one of"):
        ScriptLibrary.from_dict({**minimal(), "opening": [{"id": "o", "flag": "danger", "text": "小心。"}]})


def test_include_default_replaces_matching_scripts_only():
    mine = {
        "include_default": True,
        "script": [
            {
                "id": "my-product-angry",
                "type": "product",
                "emotion": "angry",
                "empathy": "对不起！",
                "action": "马上处理，{response_time}内回复。",
            }
        ],
        "opening": [{"id": "my-safety", "flag": "safety", "text": "请注意安全。"}],
    }
    lib = ScriptLibrary.from_dict(mine, forbidden=Policy().forbidden_phrases)
    assert [s.id for s in lib._candidates("product", "angry")] == ["my-product-angry"]
    assert len(lib._candidates("product", "calm")) >= 2
    assert [o.id for o in lib.openings if o.flag == "safety"] == ["my-safety"]


# -- choosing and rendering ---------------------------------------------------------------------
def test_choice_is_stable_and_uses_flag_openings(lib):
    a = lib.render("屏幕碎了", type="product", emotion="angry", values=VALUES)
    assert a == lib.render("屏幕碎了", type="product", emotion="angry", values=VALUES)
    assert a.opening_id is None and a.script_id.startswith("product-angry")
    ids = {lib.render(f"屏幕碎了{i}", type="product", emotion="angry", values=VALUES).script_id for i in range(40)}
    assert len(ids) >= 2  # variants are used
    r = lib.render("电池起火了", type="product", emotion="calm", flags=("safety", "strong_emotion"), values=VALUES)
    assert r.opening_id.startswith("safety-") and r.script_id.startswith("product-calm")
    opening = next(o for o in lib.openings if o.id == r.opening_id)
    assert r.text.startswith(_render(opening.text, VALUES))
    # the first opening in file order wins: safety before fraud
    r2 = lib.render("x", type="accuracy", emotion="calm", flags=("fraud", "safety"), values=VALUES)
    assert r2.opening_id.startswith("safety-")


def test_order_number_from_the_extractor(lib, monkeypatch):
    import triage

    class Ent:
        def __init__(self, kind, text):
            self.kind, self.text, self.start, self.end = kind, text, 0, len(text)

    monkeypatch.setattr(
        triage, "extract", lambda text: [Ent("phone", "13812345678"), Ent("order_id", "DD20260302001")], raising=False
    )
    assert find_order_id("订单DD20260302001没发货") == "DD20260302001"
    text = "物流一直不动，订单DD20260302001"
    r = lib.render(text, type="timeliness", emotion="calm", values=VALUES, order_id_from=find_order_id)
    script = next(s for s in lib.scripts if s.id == r.script_id)
    assert ("DD20260302001" in r.text) == ("order_id" in script.uses)
    given = lib.render(
        text, type="timeliness", emotion="calm", values={**VALUES, "order_id": "GIVEN1"}, order_id_from=find_order_id
    )
    assert "DD20260302001" not in given.text

    def broken(text):
        raise RuntimeError("extractor bug")

    monkeypatch.setattr(triage, "extract", broken)
    assert find_order_id("订单DD20260302001") is None  # a reply never fails because of the extractor
    monkeypatch.delattr(triage, "extract")
    assert find_order_id("订单DD20260302001") is None


@settings(max_examples=60, deadline=None)
@given(
    customer=st.none()
    | st.text(alphabet=st.characters(blacklist_characters="{}[]", blacklist_categories=("Cs",)), max_size=12),
    order=st.none() | st.from_regex(r"[A-Z]{0,2}[0-9]{6,16}", fullmatch=True),
    typ=st.sampled_from([*TYPES, "none"]),
    emotion=st.sampled_from(EMOTIONS),
    flags=st.lists(
        st.sampled_from(["safety", "privacy", "fraud", "repeat_complaint", "external_escalation", "vip_customer"]),
        max_size=3,
    ),
    text=st.text(max_size=30),
)
def test_no_placeholder_or_bracket_ever_leaks(lib, customer, order, typ, emotion, flags, text):
    vals = {**VALUES, "customer": customer or "您", "order_id": order}
    r = lib.render(text, type=typ, emotion=emotion, flags=flags, values=vals)
    assert not LEAK.search(r.text)
    assert r.text and r.script in ("simplified", "traditional")


# -- traditional script ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, traditional",
    [
        ("這個軟體很爛，後來也沒人理", True),
        ("謝謝", True),
        ("點解部手機壞咗", True),
        ("快递一个礼拜还没到", False),
        ("我在臺灣买的手机坏了，屏幕一直闪，客服也不回复，太让人失望了", False),  # one place name
        ("著名的乾隆皇帝", False),
        ("screen broken", False),
        ("", False),
    ],
)
def test_traditional_detection(text, traditional):
    assert is_traditional_text(text) is traditional


def test_traditional_input_gets_a_traditional_reply(lib):
    simp = lib.render("这个软件很烂，后来也没人理", type="product", emotion="angry", values=VALUES)
    trad = lib.render("這個軟體很爛，後來也沒人理", type="product", emotion="angry", values=VALUES)
    assert (simp.script, simp.conversion) == ("simplified", None)
    assert (trad.script, trad.conversion) == ("traditional", "s2tw")
    assert is_traditional_text(trad.text) and trad.text != to_simplified(trad.text)
    # the same script, converted (the variant hash is of the message, so compare by script id)
    again = lib._candidates("product", "angry")
    script = next(s for s in again if s.id == trad.script_id)
    assert to_simplified(trad.text) == to_simplified(_render(script.empathy, VALUES) + _render(script.action, VALUES))
    hk = lib.render("部手機壞咗，冇人理", type="product", emotion="calm", values=VALUES)
    assert hk.conversion == "s2hk"
    off = lib.render("這個軟體很爛", type="product", emotion="calm", values=VALUES, variant="none")
    assert off.script == "simplified" and not is_traditional_text(off.text)
    assert traditional_config("這個軟體很爛", "s2t") == "s2t"
