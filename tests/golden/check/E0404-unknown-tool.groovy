pipeline {
    agent any
    tools {
        banana 'x'
    }
    stages {
        stage('build') {
            steps {
                echo 'hi'
            }
        }
    }
}
