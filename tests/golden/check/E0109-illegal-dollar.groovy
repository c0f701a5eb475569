pipeline {
    agent any
    stages {
        stage('build') {
            steps {
                echo "this costs $5"
            }
        }
    }
}
