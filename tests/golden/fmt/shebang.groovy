#!/usr/bin/env groovy


pipeline {
    agent any
    stages {
        stage("x") {
            steps {
                echo "shebang kept"
            }
        }
    }
}
