"""Report rounds (chế độ báo cáo): forms, answers checked, data in letters, the consolidated BÁO CÁO."""
