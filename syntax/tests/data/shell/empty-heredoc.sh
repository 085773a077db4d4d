cat <<EOF
EOF
