"""The app's pages, one module each: compose (Soạn văn bản), batch (Tạo hàng loạt), check (Kiểm
tra văn bản), register (Sổ đăng ký), sign (Ký số), login (Đăng nhập). Each gives its `routes()`."""
