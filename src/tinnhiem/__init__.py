"""tinnhiem: confidence votes (lấy phiếu tín nhiệm) that anyone can check."""

__version__ = "0.1.0"
