cat > conf <<EOF
prefix=$(not_run_in_heredoc)
`nor_this`
EOF
after_heredoc
