import logging
import pickle

import pytest

from triage.features import Segmenter

# Golden token lists: both engines must give these (jieba dictionary, precise mode,
# plus the shipped domain dictionary).
GOLDEN = [
    ("客服一直踢皮球", ["客服", "一直", "踢皮球"]),
    ("这是霸王条款", ["这是", "霸王条款"]),
    ("顺丰速运的快递小哥虚假签收", ["顺丰速运", "的", "快递小哥", "虚假签收"]),
    ("退款<MONEY>还没到", ["退款", "<MONEY>", "还", "没到"]),
    ("我要打12315投诉", ["我要", "打", "12315", "投诉"]),
    ("携号转网被拒绝", ["携号转网", "被", "拒绝"]),
    ("菜鸟驿站乱收费", ["菜鸟驿站", "乱收费"]),
]


@pytest.mark.parametrize("engine", ["rjieba", "jieba"])
@pytest.mark.parametrize("text, tokens", GOLDEN)
def test_golden_tokens(engine, text, tokens):
    assert Segmenter(engine=engine).cut(text) == tokens


def test_engines_agree_on_corpus_sample():
    from triage.datasets import load_complaints
    from triage.features import normalize

    texts = [normalize(t) for t in load_complaints("test")["text"].head(300)]
    a, b = Segmenter(engine="rjieba"), Segmenter(engine="jieba")
    same = sum(a.cut(t) == b.cut(t) for t in texts)
    assert same / len(texts) >= 0.95


@pytest.mark.parametrize("engine", ["rjieba", "jieba"])
def test_segmenter_pickles_and_rebuilds(engine):
    seg = Segmenter(engine=engine)
    before = seg.cut("物业费太贵了")
    clone = pickle.loads(pickle.dumps(seg))
    assert "_cut" not in clone.__dict__
    assert clone.cut("物业费太贵了") == before


def test_user_dict(tmp_path):
    d = tmp_path / "mine.txt"
    d.write_text("黑钻会员 1000 n\n", encoding="utf-8")
    assert Segmenter(user_dict=str(d)).cut("黑钻会员被降级")[0] == "黑钻会员"


def test_missing_user_dict_names_the_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.txt"):
        Segmenter(user_dict=str(tmp_path / "nope.txt")).cut("退款")


def test_bad_engine_is_named():
    with pytest.raises(ValueError, match="engine must be one of"):
        Segmenter(engine="thulac").cut("退款")


def test_global_jieba_untouched():
    import jieba

    before = (jieba.dt.initialized, dict(jieba.dt.user_word_tag_tab))
    Segmenter(engine="jieba", user_dict=None).cut("踢皮球霸王条款")
    assert (jieba.dt.initialized, dict(jieba.dt.user_word_tag_tab)) == before


def test_jieba_logger_level_restored():
    log = logging.getLogger("jieba")
    level = log.level
    Segmenter(engine="jieba").cut("测试一下")
    assert log.level == level
